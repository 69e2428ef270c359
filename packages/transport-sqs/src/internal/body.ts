import { Code, KitError } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import { textBody } from "@kit/transport/driver";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Marks a message whose body is empty: SQS refuses an empty `MessageBody`, so one space stands in. */
const emptyBodyHeader = "kit-empty-body";

/**
 * A message body as the text SQS carries: an empty body becomes one space, marked with a
 * `kit-empty-body` header that {@link fromSqsBody} reads back; a body that is not UTF-8 is
 * `invalid_argument`.
 *
 * @param body - the encoded body
 * @param headers - the message's headers, which get the mark when the body is empty
 */
export function toSqsBody(body: Uint8Array, headers: Map<string, string>): string {
  if (body.length === 0) {
    headers.set(emptyBodyHeader, "1");
    return " ";
  }
  try {
    return decoder.decode(body);
  } catch {
    throw new KitError(Code.InvalidArgument, "an SQS message body must be UTF-8 text; encode binary bodies (base64) in the codec");
  }
}

/** A surrogate code unit without its pair, which the body's UTF-8 bytes would carry as U+FFFD. */
const loneSurrogate = /\p{Cs}/u;

/**
 * The body of an outgoing message as the text SQS carries, as {@link toSqsBody} makes it. When
 * an encoder wrote the body as text (`writeTextBody`, as `encodeJSONMessage` does), that text is
 * sent as it is, without making its UTF-8 bytes and decoding them back: it is the same text,
 * unless it holds a lone surrogate, which goes through the bytes as before.
 *
 * @param message - the message being sent; an empty body gets the `kit-empty-body` mark
 */
export function outgoingSqsBody(message: OutgoingMessage): string {
  const text = textBody(message);
  if (text !== undefined && text !== "" && !loneSurrogate.test(text)) return text;
  return toSqsBody(message.body, message.headers);
}

/**
 * The body of a received message: its text as bytes, or empty when {@link toSqsBody} marked it
 * so (the mark is taken out of `headers`). The bytes are a plain `Uint8Array` view into Node's
 * shared buffer pool (`Buffer.from`), which costs a fraction of `TextEncoder.encode`'s own
 * `ArrayBuffer` for each message.
 *
 * @param text - the message's `Body`
 * @param headers - its headers
 */
export function fromSqsBody(text: string | undefined, headers: Map<string, string>): Uint8Array {
  if (headers.delete(emptyBodyHeader)) return new Uint8Array(0);
  const bytes = Buffer.from(text ?? "", "utf8");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
