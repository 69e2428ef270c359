type Deserialize<T> = (bytes: Buffer) => T;
import { Code, KitError } from "@kit/endpoint";

/**
 * What a wrapped deserializer hands to the handler instead of throwing, so a request that does
 * not decode is answered `INVALID_ARGUMENT` by the Kit handler (grpc-js itself would answer
 * `INTERNAL`) and the server keeps serving.
 */
export class Undecodable {
  readonly error: KitError;

  constructor(cause: unknown) {
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    this.error = new KitError(Code.InvalidArgument, `request message does not decode${reason}`, { cause });
  }
}

/** `deserialize`, returning an {@link Undecodable} where it would throw. */
export function tolerant<T>(deserialize: Deserialize<T>): Deserialize<T | Undecodable> {
  return (bytes) => {
    try {
      return deserialize(bytes);
    } catch (err) {
      return new Undecodable(err);
    }
  };
}
