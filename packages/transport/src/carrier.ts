/**
 * Reads and writes string headers on any transport's message: HTTP headers, NATS headers,
 * AMQP properties, Kafka headers. A fetch `Headers` object is one as it is; transports adapt
 * their own header types. Header names are lower case.
 */
export interface HeaderCarrier {
  /**
   * The header's value; `null`, `undefined` or `""` when it is absent.
   *
   * @param name - the header's name, lower case
   */
  get(name: string): string | null | undefined;
  /**
   * Sets the header, replacing any value it had.
   *
   * @param name - the header's name, lower case
   * @param value - the header's value
   */
  set(name: string, value: string): void;
}
