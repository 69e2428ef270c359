/**
 * Thrown by {@link Reader} for bytes that are not a well-formed protobuf message: a varint or
 * a length that runs past the end, a varint longer than ten bytes, a field number of 0, a wire
 * type the field's declaration does not allow or that protobuf does not define, and a string
 * that is not UTF-8. Its message says which.
 *
 * @example
 * ```ts
 * try {
 *   decodeSumRequest(bytes);
 * } catch (err) {
 *   if (err instanceof ProtobufError) console.log(err.message); // "truncated message: …"
 * }
 * ```
 */
export class ProtobufError extends Error {
  /**
   * @param message - what is wrong with the bytes
   * @param options - the error that made the bytes unreadable, if any
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProtobufError";
  }
}
