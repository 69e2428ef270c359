/**
 * Headers that can be read by name: a fetch `Headers`, `@kit/transport`'s `HeaderCarrier` (a
 * message's headers), a `Map`.
 */
export interface HeaderGetter {
  /**
   * The header's value, or `null`/`undefined` when there is none.
   *
   * @param name - the header's name, lower case
   */
  get(name: string): string | null | undefined;
}

/** Headers that can be written by name: a fetch `Headers`, a `Map`, an outgoing message's headers. */
export interface HeaderSetter {
  /**
   * Sets the header, replacing any value it had.
   *
   * @param name - the header's name, lower case
   * @param value - the value
   */
  set(name: string, value: string): void;
}

/** A Node header record with lower-case names, such as `IncomingMessage.headers`. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * gRPC metadata as grpc-js `Metadata` has it: every value of a key, strings or (for `-bin`
 * keys) bytes, and `set`. Any object of this shape will do; `@kit/tracing` does not depend on
 * grpc-js.
 */
export interface MetadataCarrier {
  /**
   * All values of the key; an empty array when there is none.
   *
   * @param key - the key, lower case
   */
  get(key: string): readonly (string | Uint8Array)[];
  /**
   * Sets the key to this one value, replacing any it had.
   *
   * @param key - the key, lower case
   * @param value - the value
   */
  set(key: string, value: string): void;
}
