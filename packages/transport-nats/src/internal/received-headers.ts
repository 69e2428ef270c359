import type { HeaderCarrier } from "@kit/transport";
import { RecentBytes } from "@kit/transport/driver";
import type { MsgHdrs } from "@nats-io/nats-core";
import { absentHeader } from "./default-content-type.ts";
import { readHeaders } from "./headers.ts";
import { rawHeaderBlock } from "./raw-header-block.ts";

/** A header line: its name as it came, its value (trimmed) and its name in lower case, for the lookups that ignore case. */
type Header = readonly [name: string, value: string, lowerName: string];

const utf8 = new TextDecoder();

/** How many distinct header blocks are kept parsed; when full, the cache starts over. */
const cacheLimit = 256;

/** Header blocks parsed before, by their text: the headers many messages share (a `kit-timeout`) are parsed once. */
const parsed = new Map<string, readonly Header[]>();

/**
 * The header lines of the last few blocks read, recognised by their bytes (the usual case: a
 * service's requests, or its replies, mostly carry the same headers); any other block is decoded
 * and parsed once per distinct text ({@link parsedText}). A block longer than 1 KiB (one that
 * carries trace state, say) is not kept by its bytes, only by its text.
 */
const recentBlocks = new RecentBytes(4, 1_024, (block: Uint8Array) => parsedText(utf8.decode(block)));

/** The header lines of a block's text, parsed once per distinct text. */
function parsedText(text: string): readonly Header[] {
  let headers = parsed.get(text);
  if (headers === undefined) {
    headers = parseBlock(text);
    if (parsed.size >= cacheLimit) parsed.clear();
    parsed.set(text, headers);
  }
  return headers;
}

/**
 * The headers of a message nats.js delivered, as a Kit `HeaderCarrier`, read as
 * `readHeaders(msg.headers)` reads them (names exactly, then ignoring case; a missing name is
 * `""`, a missing `content-type` the default, `application/json`), but from the header block's
 * bytes ({@link rawHeaderBlock}): its lines are split into names and values, kept for the next
 * message with the same block, and nats.js's `MsgHdrs` is not made at all unless something sets
 * a header (the change goes to `msg.headers`, as with `readHeaders`, so a dead letter or a
 * republished message carries it).
 *
 * @param msg - a message nats.js delivered: `subscribe`'s `Msg`, or a service's `ServiceMsg`
 */
export function readReceivedHeaders(msg: { readonly headers?: MsgHdrs | undefined }): HeaderCarrier {
  const block = rawHeaderBlock(msg);
  if (block === "unknown") return readHeaders(msg.headers);
  if (block === "none") return readHeaders(undefined);
  return new ReceivedHeaders(recentBlocks.get(block), msg);
}

/**
 * The header lines of a block's text, as nats.js reads them: the first line is the status
 * (`NATS/1.0`, with a code on a status message), then a `name: value` line each, the value
 * trimmed; a line without a colon is skipped.
 */
function parseBlock(text: string): readonly Header[] {
  const headers: Header[] = [];
  const lines = text.split("\r\n");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const colon = line.indexOf(":");
    if (colon > -1) {
      const name = line.slice(0, colon);
      headers.push([name, line.slice(colon + 1).trim(), name.toLowerCase()]);
    }
  }
  return headers;
}

/** A received message's headers, read from its parsed lines until a header is set. */
class ReceivedHeaders implements HeaderCarrier {
  /** Shared with every message that had the same block: never changed. */
  readonly #headers: readonly Header[];
  readonly #msg: { readonly headers?: MsgHdrs | undefined };
  /** nats.js's `MsgHdrs` of the message, once a header was set on it. */
  #changed: HeaderCarrier | undefined;

  constructor(headers: readonly Header[], msg: { readonly headers?: MsgHdrs | undefined }) {
    this.#headers = headers;
    this.#msg = msg;
  }

  /** The first value of `name`, or of a name that differs only in case when none has it exactly; when there is neither, `""` (the default for `content-type`). */
  get(name: string): string | null | undefined {
    if (this.#changed !== undefined) return this.#changed.get(name);
    let exact: string | undefined;
    let folded: string | undefined;
    const lower = name.toLowerCase();
    for (const [key, value, lowerKey] of this.#headers) {
      if (exact === undefined && key === name) {
        if (value !== "") return value;
        exact = value;
      }
      if (folded === undefined && lowerKey === lower) folded = value;
    }
    return folded ?? absentHeader(lower, "");
  }

  set(name: string, value: string): void {
    this.#changed ??= readHeaders(this.#msg.headers);
    this.#changed.set(name, value);
  }
}
