/** What {@link rawHeaderBlock} finds: the header block's bytes, `"none"` (the message has no headers) or `"unknown"`. */
export type RawHeaderBlock = Uint8Array | "none" | "unknown";

/** The fields of nats.js's `MsgImpl` (the messages `subscribe` delivers) that hold what came off the wire. */
interface MsgImplFields {
  /** The parsed `MSG`/`HMSG` line: `hdr` is the header block's length, -1 without one. */
  readonly _msg?: { readonly hdr?: unknown };
  /** The header block followed by the payload. */
  readonly _rdata?: unknown;
}

/**
 * A received message's NATS header block as it came off the wire (`NATS/1.0` and its header
 * lines), without decoding it. nats.js's public `headers` decodes the whole block into a
 * `MsgHdrs` on first read, validating and copying each line, which costs a message more than
 * everything else Kit does with it; Kit reads its few headers from the bytes instead (see
 * `readReceivedHeaders`). nats.js does not expose the bytes, so they are taken from its
 * `MsgImpl`'s fields; a message of another shape (a NATS service's `ServiceMsg`, another
 * nats.js version) is `"unknown"`, and its `headers` are read as usual.
 *
 * @param msg - a message nats.js delivered
 */
export function rawHeaderBlock(msg: object): RawHeaderBlock {
  const { _msg, _rdata } = msg as MsgImplFields;
  const length = _msg?.hdr;
  if (typeof length !== "number") return "unknown";
  if (length < 0) return "none";
  if (!(_rdata instanceof Uint8Array) || _rdata.length < length) return "unknown";
  return new Uint8Array(_rdata.buffer, _rdata.byteOffset, length); // a plain view: a Buffer's subarray would make a Buffer, at several times the cost
}
