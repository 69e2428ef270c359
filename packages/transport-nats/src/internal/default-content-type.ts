import { jsonCodec } from "@kit/transport";

/** The header that names a message body's encoding. */
const contentTypeHeader = "content-type";

/**
 * The content-type of a NATS message that carries none: JSON (`application/json`), the body
 * NATS clients send without saying so (nats.js's `json()`, Go kit's NATS transport, Moleculer,
 * NestJS). Kit leaves it off the wire: a message whose only header would be this one goes out
 * as a plain `PUB` with no header block, which costs both ends and the server less than an
 * `HPUB`. A received message without a `content-type` reads as having this one.
 */
const defaultContentType: string = jsonCodec.contentType;

/** Whether the Kit header `name: value` is the default content-type, which is not sent. */
export function isDefaultContentType(name: string, value: string): boolean {
  return value === defaultContentType && name === contentTypeHeader;
}

/** Whether Kit headers hold nothing but the default content-type (or nothing at all): a message without a header block. */
export function sendsNoHeaders(headers: ReadonlyMap<string, string>): boolean {
  return headers.size === 0 || (headers.size === 1 && headers.get(contentTypeHeader) === defaultContentType);
}

/**
 * What a received message's header reads as when the message lacks it: the
 * default content-type for `content-type`, `missing` for any other.
 *
 * @param lowerName - the header's name, in lower case
 * @param missing - what any other absent header reads as
 */
export function absentHeader<T>(lowerName: string, missing: T): string | T {
  return lowerName === contentTypeHeader ? defaultContentType : missing;
}
