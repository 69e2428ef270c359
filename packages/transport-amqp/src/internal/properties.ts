import type { MessageProperties, Options } from "amqplib";

/** Headers the broker writes, which a republished copy must not carry (they are re-encoded badly and mean nothing on a new message). */
const brokerHeader = /^x-(death|first-death-|last-death-|delivery-count)/;

/**
 * The Kit headers of a delivery: every AMQP header by its lower-case name (strings as they
 * are, numbers and booleans as text, byte strings as UTF-8), plus `content-type` from the
 * message's `content_type` property.
 */
export function headersOf(properties: MessageProperties): Map<string, string> {
  const headers = new Map<string, string>();
  const table = (properties.headers ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(table)) {
    const text = headerText(value);
    if (text !== undefined) headers.set(name.toLowerCase(), text);
  }
  if (typeof properties.contentType === "string" && properties.contentType !== "") headers.set("content-type", properties.contentType);
  return headers;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return undefined;
}

/**
 * The AMQP publish options for Kit headers: `content-type` becomes the `content_type`
 * property, every other header goes in the headers table.
 */
export function publishOptions(headers: ReadonlyMap<string, string>, base: Options.Publish = {}): Options.Publish {
  const options: Options.Publish = { ...base };
  let table: Record<string, string> | undefined;
  for (const [name, value] of headers) {
    if (name === "content-type") options.contentType = value;
    else (table ??= {})[name] = value;
  }
  if (table !== undefined) options.headers = table; // no empty table on the wire
  return options;
}

/**
 * The publish options for a copy of a delivery (a retry or a dead letter): its properties
 * and its own headers, without the headers the broker added and without its `expiration`,
 * with `extra` headers set over them.
 */
export function copyOptions(properties: MessageProperties, extra: ReadonlyMap<string, string>): Options.Publish {
  const table: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (!brokerHeader.test(name)) table[name] = value;
  }
  for (const [name, value] of extra) table[name] = value;
  const options: Options.Publish = { headers: table };
  const target = options as Record<string, unknown>;
  for (const key of copied) {
    const value: unknown = properties[key];
    if (value !== undefined && value !== null) target[key] = value;
  }
  return options;
}

/** The properties a copy keeps; `expiration` is left out on purpose. */
const copied = [
  "contentType",
  "contentEncoding",
  "deliveryMode",
  "priority",
  "correlationId",
  "replyTo",
  "messageId",
  "timestamp",
  "type",
  "userId",
  "appId",
] as const satisfies readonly (keyof MessageProperties & keyof Options.Publish)[];
