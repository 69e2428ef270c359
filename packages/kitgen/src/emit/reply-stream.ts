// The parts of a generated file for a transport whose requests are answered on a reply stream of
// the client's own (Redis Streams): the streams' common prefix, a function that makes one, the
// `replies` option, and the check that the transport was given one.
import type { Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { isEvent } from "./message-parts.ts";

/** Whether some method answers, so requests need a reply stream. */
export function needsReplies(service: Service): boolean {
  return service.methods.some((m) => !isEvent(m));
}

/** `<base><Id>Replies`, the exported prefix of the reply streams. */
export function repliesConstName(service: Service, id: string): string {
  return `${camel(baseName(service.name))}${pascal(id)}Replies`;
}

/** The exported prefix every reply stream's name starts with, which the subscribers answer by default. */
export function repliesConst(service: Service, id: string): string {
  return `/** What every reply stream's name starts with: \`<prefix>:<id>\`; the subscribers answer only streams named \`<prefix>:…\` by default (their reply namespace). */
export const ${repliesConstName(service, id)} = ${JSON.stringify(`${kebab(baseName(service.name))}:replies`)};
`;
}

/** The `replies` field of `<Id>Options`, when some method answers. */
export function repliesOption(service: Service, id: string): string {
  if (!needsReplies(service)) return "";
  return `
  /** Where replies come back, from \`${id}ReplyStream\`: needed by \`${id}Transport\`. */
  readonly replies?: ${pascal(id)}ReplyStream;`;
}

/** The statements of `<id>Transport` that take `options.replies` and fail without it, when some method answers. */
export function repliesSetup(service: Service, id: string): string {
  if (!needsReplies(service)) return "";
  return `  const { replies } = options;
  if (replies === undefined) throw new TypeError("${id}Transport needs options.replies, a reply stream from ${id}ReplyStream");
`;
}

/** `<id>ReplyStream(connection, id?, options?)`, which makes a reply stream named inside the subscribers' reply namespace. */
export function replyStreamFunction(service: Service, id: string): string {
  if (!needsReplies(service)) return "";
  const Id = pascal(id);
  return `
/**
 * Makes the reply stream \`${kebab(baseName(service.name))}:replies:<id>\`, on which the requests of \`${id}Transport\` are
 * answered (inside the subscribers' default reply namespace). Redis creates it at the first
 * request; \`close()\` deletes it. Use one per client process.
 *
 * @param connection - the ${id} connection
 * @param id - this client's part of the name (default: a random UUID)
 * @param options - block time and error handler
 */
export function ${id}ReplyStream(connection: ${Id}Connection, id: string = randomUUID(), options: ${Id}ReplyStreamOptions = {}): ${Id}ReplyStream {
  return replyStream(connection, \`\${${repliesConstName(service, id)}}:\${id}\`, options);
}
`;
}
