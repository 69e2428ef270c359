import { isUtf8 } from "node:buffer";
import { Code, KitError } from "@kit/endpoint";
import type { Message } from "@kit/transport";
import { RecentBytes } from "@kit/transport/driver";
import { RESP_TYPES } from "redis";
import { bodyField, replyToHeader } from "../headers.ts";

/** Reads bulk strings as `Buffer`s, so a body keeps its bytes. */
export const asBuffers: { readonly typeMapping: object } = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

/** An entry of a stream, as Redis returned it: its id and its fields and values, in order (`Buffer`s as `asBuffers` reads them). */
export interface StreamEntry {
  readonly id: string;
  readonly fields: readonly (Buffer | string)[];
}

/** A message as the Redis driver hands it to the runtime. */
export interface RedisStreamMessage extends Message {
  /** The entry's id in the stream. */
  readonly id: string;
  /** Its headers: every field but `body`, names lower-cased. */
  readonly headers: Map<string, string>;
  /**
   * Why the message must be dead-lettered without being handled: a `kit-reply-to` outside the
   * reply namespace (`permission_denied`), an entry without a `body` field (`invalid_argument`),
   * or more deliveries than `maxAttempts` (its consumers died on it: `aborted`).
   */
  readonly refused: KitError | undefined;
}

const empty = Buffer.alloc(0);

/**
 * A reply's id or field as text: node-redis hands them over as `Buffer`s (`asBuffers`).
 * `buffer.toString()` is the text `String(buffer)` gives, at about half its cost (which counts
 * for every entry read: its id).
 */
function textOf(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

/** Field names, lower-cased: the same few come in every entry. */
const fieldNames = new RecentBytes(16, 64, (name: Buffer) => name.toString().toLowerCase());
/** Short header values, of which many repeat (`application/json`). */
const fieldValues = new RecentBytes(16, 64, (value: Buffer) => value.toString());

/** The entries of an `XREADGROUP`/`XREAD` reply on one stream: `[[stream, [[id, fields]…]]]`, or null when none came. */
export function entriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const first: unknown = reply[0];
  return Array.isArray(first) ? readEntries(first[1]) : [];
}

/** Entries from `[[id, [field, value…]]…]`; an entry without fields (deleted meanwhile) is left out. */
export function readEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: StreamEntry[] = [];
  for (const item of raw as unknown[]) {
    if (!Array.isArray(item)) continue;
    const [id, fields] = item as [unknown, unknown];
    if (!Array.isArray(fields)) continue; // deleted meanwhile
    out.push({ id: textOf(id), fields: fields as (Buffer | string)[] });
  }
  return out;
}

/**
 * The message an entry carries: `body` is the body, every other field a header. An entry
 * without a `body` field is garbage, refused as `invalid_argument` (it is dead-lettered once).
 *
 * @param entry - the entry
 * @param attempt - its delivery count
 * @param replyAllowed - whether a `kit-reply-to` stream may be answered
 */
export function toMessage(entry: StreamEntry, attempt: number, replyAllowed: (stream: string) => boolean): RedisStreamMessage {
  const headers = new Map<string, string>();
  let body: Buffer | undefined;
  for (let i = 0; i + 1 < entry.fields.length; i += 2) {
    const field = entry.fields[i];
    const name = Buffer.isBuffer(field) ? fieldNames.get(field) : String(field).toLowerCase();
    const value = entry.fields[i + 1] ?? empty;
    if (name === bodyField) body = typeof value === "string" ? Buffer.from(value) : value;
    else headers.set(name, Buffer.isBuffer(value) ? fieldValues.get(value) : value);
  }
  const replyTo = headers.get(replyToHeader);
  let refused: KitError | undefined;
  if (body === undefined) {
    refused = new KitError(Code.InvalidArgument, `entry ${entry.id} has no ${bodyField} field: not a Kit message`);
  } else if (replyTo !== undefined && !replyAllowed(replyTo)) {
    refused = new KitError(Code.PermissionDenied, `kit-reply-to ${JSON.stringify(replyTo)} is outside the subscriber's reply namespace; not answered`);
  }
  return {
    id: entry.id,
    body: body ?? empty,
    headers,
    attempt,
    reply: refused === undefined ? replyTo : undefined,
    refused,
  };
}

/** Bodies up to this size that are UTF-8 text go to node-redis as a string. */
const textBodyLimit = 16_384;
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * A body as a command argument. node-redis writes a string argument into the command's one
 * buffer, but each `Buffer` argument as a chunk of its own; so a body the encoder wrote as text
 * goes as that text, and a small body that is UTF-8 text (a JSON body) as a string (the same
 * bytes on the wire), anything else as a `Buffer`.
 */
function asArgument(body: Uint8Array | string): string | Buffer {
  if (typeof body === "string") return body;
  if (body.byteLength <= textBodyLimit && isUtf8(body)) return utf8.decode(body);
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * A command that ends in a message's entry: the arguments of `head` (`XADD stream *`, an `EVAL`
 * of a script), then `body` (its bytes, or the text they were made from:
 * `textBody(message) ?? message.body`), then the headers as fields. The array is made at its
 * final length, since a command is built for every message published.
 *
 * @param head - the arguments before the entry's fields
 * @param body - the message's body
 * @param headers - its headers
 * @throws KitError `invalid_argument` for a header named `body`, which the body's field would hide
 */
export function entryCommand(head: readonly string[], body: Uint8Array | string, headers: ReadonlyMap<string, string>): (string | Buffer)[] {
  const args = new Array<string | Buffer>(head.length + 2 + 2 * headers.size);
  let at = 0;
  for (const arg of head) args[at++] = arg;
  args[at++] = bodyField;
  args[at++] = asArgument(body);
  for (const [name, value] of headers) {
    if (name === bodyField) throw new KitError(Code.InvalidArgument, `a header may not be named ${JSON.stringify(bodyField)}: that field holds the body`);
    args[at++] = name;
    args[at++] = value;
  }
  return args;
}
