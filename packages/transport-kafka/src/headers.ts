import type { IHeaders } from "kafkajs";

/**
 * The header a request carries to name the topic its reply goes to. A subscriber answers a
 * record that has it (and {@link correlationIdHeader}) by producing the reply there; a client
 * that is not Kit sets it to get replies.
 */
export const replyTopicHeader = "kit-reply-topic";

/**
 * The header that pairs a reply with its request: the requester sets it on the request, the
 * subscriber copies it onto the reply.
 */
export const correlationIdHeader = "kit-correlation-id";

/** Kafka's headers as a map with lower-case names and UTF-8 values; of a repeated header, the last value. */
export function headersFromKafka(headers: IHeaders | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (headers === undefined) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value === undefined) continue;
    out.set(name.toLowerCase(), typeof value === "string" ? value : value.toString("utf8"));
  }
  return out;
}

/** Headers in the shape kafkajs produces. */
export function headersToKafka(headers: ReadonlyMap<string, string>): IHeaders {
  const out: IHeaders = {};
  for (const [name, value] of headers) out[name] = value;
  return out;
}
