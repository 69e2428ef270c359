import type { OutgoingMessage } from "./message.ts";

const empty = new Uint8Array(0);

/**
 * The {@link OutgoingMessage} Kit's publisher writes a request into. Its body may be held as
 * the text an encoder wrote ({@link writeTextBody}): a driver that sends strings (Redis) then
 * takes the text as it is ({@link textBody}), and the bytes are made only when something reads
 * `body`. Reading `body` makes them and forgets the text (the reader may change the bytes),
 * and setting `body` replaces both, so the text is only ever what the bytes say.
 */
class RuntimeOutgoingMessage implements OutgoingMessage {
  readonly headers = new Map<string, string>();
  #bytes: Uint8Array | undefined = empty;
  #text: string | undefined;

  /** The body: the bytes that were set, or the UTF-8 of the text that was written. */
  get body(): Uint8Array {
    if (this.#bytes === undefined) {
      this.#bytes = Buffer.from(this.#text ?? "", "utf8"); // a Uint8Array
      this.#text = undefined;
    }
    return this.#bytes;
  }

  set body(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#text = undefined;
  }

  /** Sets the body to `text`, kept as text until something reads `body`. */
  writeText(text: string): void {
    this.#text = text;
    this.#bytes = undefined;
  }

  /** The text of a `message` whose body is held as text, `undefined` for any other. */
  static textOf(message: OutgoingMessage): string | undefined {
    return #text in message ? message.#text : undefined;
  }
}

/**
 * A new, empty {@link OutgoingMessage} (an empty body, no headers) that can hold its body as
 * text: an encoder's {@link writeTextBody} keeps the text, and a driver that sends strings reads
 * it with {@link textBody} without making the bytes. `messagePublisher` writes each request into
 * one; a driver that makes its own messages (replies) may use it too.
 *
 * @example
 * ```ts
 * const message = createOutgoingMessage();
 * encodeJSONMessage(ctx, { id: 1 }, message);
 * textBody(message); // '{"id":1}'
 * ```
 */
export function createOutgoingMessage(): OutgoingMessage {
  return new RuntimeOutgoingMessage();
}

/**
 * Sets a message's body to the UTF-8 bytes of `text`, what an encoder that writes text (JSON)
 * calls. A message from {@link createOutgoingMessage} (every request of Kit's publishers) keeps
 * the text, so a driver that sends strings need not decode the bytes back; on any other message
 * it sets `body` to the bytes. Either way `message.body` reads as those bytes.
 *
 * @param message - the message being written
 * @param text - the body, as text
 *
 * @example
 * ```ts
 * const encodeText: EncodeMessage<string> = (_ctx, value, message) => {
 *   writeTextBody(message, value);
 *   message.headers.set("content-type", "text/plain; charset=utf-8");
 * };
 * ```
 */
export function writeTextBody(message: OutgoingMessage, text: string): void {
  if (message instanceof RuntimeOutgoingMessage) message.writeText(text);
  else message.body = Buffer.from(text, "utf8");
}

/**
 * The body of a message as the text an encoder wrote with {@link writeTextBody}, when nothing
 * has read or replaced `body` since; otherwise `undefined` (read `body`). For drivers whose
 * client takes strings: sending the text is sending the same bytes, without the round trip
 * through them.
 *
 * @param message - the outgoing message
 *
 * @example
 * ```ts
 * const value = textBody(message) ?? Buffer.from(message.body);
 * ```
 */
export function textBody(message: OutgoingMessage): string | undefined {
  return RuntimeOutgoingMessage.textOf(message);
}
