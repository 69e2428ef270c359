import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab } from "../names.ts";
import { importFrom } from "./header.ts";
import {
  decodersOption,
  endpointsImport,
  isEvent,
  nameFunction,
  namesConst,
  namesConstName,
  namesOption,
  requestDecoder,
  requestsType,
  responseEncoder,
  schemaImports,
} from "./message-parts.ts";
import { schemaName } from "./validators.ts";

function imports(service: Service, head: string): string {
  const replies = service.methods.some((m) => !isEvent(m));
  const kit = ["createQueue", "publisher", "queueUrl", ...(replies ? ["replyQueue"] : []), "subscriber", ...(replies ? ["type SqsReplyQueue", "type SqsReplyQueueOptions"] : []), "type SqsSubscriberOptions"];
  return [
    head,
    importFrom("type { SQSClient }", "@aws-sdk/client-sqs"),
    importFrom("{ decodeJSONMessage, encodeJSONMessage, subscriberGroup, type DecodeMessage, type PublisherOptions, type Subscriber }", "@kit/transport"),
    importFrom(`{ ${kit.join(", ")} }`, "@kit/transport-sqs"),
    endpointsImport(service),
    schemaImports(service),
    "",
  ].join("\n");
}

function declarations(service: Service): string {
  const base = baseName(service.name);
  const replies = service.methods.some((m) => !isEvent(m));
  return `${namesConst(service, { id: "sqs", noun: "queue", separator: "-" })}
/** What every reply queue's name starts with; a subscriber answers only queues named so (its reply namespace). */
export const ${camel(base)}SqsReplies = ${JSON.stringify(`${kebab(base)}-replies`)};

/** Each method's queue URL, from \`sqsQueueUrls\` or \`sqsCreateQueues\`. */
export type SqsQueueUrls = Readonly<Record<keyof ${base}Endpoints, string>>;

${requestsType(service)}
/** Options for the sqs queues, subscribers and transport. */
export interface SqsOptions {
${namesOption(service, "queue")}
  /**
   * Replaces the dead-letter queue \`sqsCreateQueues\` gives some methods' queues (default
   * \`<queue>-dead-letter\`); several queues may share one.
   */
  readonly deadLetters?: Partial<Record<keyof ${base}Endpoints, string>>;
${decodersOption(service)}
  /** Passed to every subscriber; \`replyNamespace\` defaults to the reply queues beside each queue. */
  readonly subscriber?: SqsSubscriberOptions;
  /** Passed to every publisher. */
  readonly publisher?: PublisherOptions;${
    replies
      ? `
  /** Where replies come back, from \`sqsReplyQueue\`; needed by \`sqsTransport\`. */
  readonly replies?: SqsReplyQueue;
  /** How long a call whose context has no deadline waits for its reply, in milliseconds (default 30 000). */
  readonly timeout?: number;`
      : ""
  }
}

${nameFunction(service, "sqs")}
/** Where a queue URL's reply queues live: beside it, named \`${kebab(base)}-replies…\`. */
function replyNamespace(url: string): string[] {
  return [url.slice(0, url.lastIndexOf("/") + 1) + ${camel(base)}SqsReplies];
}
`;
}

function queueFunctions(service: Service): string {
  const base = baseName(service.name);
  const names = namesConstName(service, "sqs");
  return `
/** Each method's URL, \`find\` given the method and its queue name. */
async function urlsBy(options: SqsOptions, find: (name: string, method: keyof ${base}Endpoints) => Promise<string>): Promise<SqsQueueUrls> {
  const methods = Object.keys(${names}) as (keyof ${base}Endpoints)[];
  const urls = await Promise.all(methods.map(async (method) => [method, await find(sqsName(options, method), method)] as const));
  return Object.fromEntries(urls) as Record<keyof ${base}Endpoints, string>;
}

/**
 * Looks up the URL of each method's queue, which must exist (\`not_found\` otherwise).
 *
 * @param client - the SQS client
 * @param options - queue names
 */
export function sqsQueueUrls(client: SQSClient, options: SqsOptions = {}): Promise<SqsQueueUrls> {
  return urlsBy(options, (name) => queueUrl(client, name));
}

/**
 * Creates each method's queue with its dead-letter queue, \`<queue>-dead-letter\` or the one
 * \`deadLetters\` names (its redrive policy's target, where a subscriber sends poison messages),
 * and returns their URLs. Idempotent while the queues' attributes are unchanged: run it at start-up.
 *
 * @param client - the SQS client
 * @param options - queue and dead-letter queue names
 */
export function sqsCreateQueues(client: SQSClient, options: SqsOptions = {}): Promise<SqsQueueUrls> {
  return urlsBy(options, (name, method) => createQueue(client, name, { deadLetter: options.deadLetters?.[method] ?? \`\${name}-dead-letter\` }));
}
`;
}

function replyQueueFunction(service: Service): string {
  if (service.methods.every(isEvent)) return "";
  const base = baseName(service.name);
  return `
/**
 * Creates (or finds) the reply queue \`${kebab(base)}-replies-<id>\` and reads replies from it. Use
 * one per client process, and delete its queue when the process is done for good.
 *
 * @param client - the SQS client
 * @param id - this client's part of the name (letters, digits, \`-\`, \`_\`)
 * @param options - poll wait and error handler
 */
export async function sqsReplyQueue(client: SQSClient, id: string, options: SqsReplyQueueOptions = {}): Promise<SqsReplyQueue> {
  const name = \`\${${camel(base)}SqsReplies}-\${id}\`;
  return replyQueue(client, await createQueue(client, name), options);
}
`;
}

function subscribersFunction(service: Service): string {
  const base = baseName(service.name);
  const line = (m: Method): string =>
    `    subscriber(client, queues.${m.name}, endpoints.${m.name}, ${requestDecoder(m)}, ${responseEncoder(m, "encodeJSONMessage")}, sub(queues.${m.name})),`;
  return `
/**
 * Serves every method on its queue; a method resolving to \`void\` is an event (no reply), the
 * others answer on the reply queue each request names. \`ready\` resolves once every queue and
 * its dead-letter queue are known to exist. The result closes them all.
 *
 * @param client - the SQS client
 * @param queues - each method's queue URL
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - decoders and subscriber options
 */
export function sqsSubscribers(client: SQSClient, queues: SqsQueueUrls, endpoints: ${base}Endpoints, options: SqsOptions = {}): Subscriber {
  const sub = (url: string): SqsSubscriberOptions => ({ replyNamespace: replyNamespace(url), ...options.subscriber });
  const subscribers = [
${service.methods.map(line).join("\n")}
  ];
  return subscriberGroup(subscribers);
}
`;
}

function transportFunction(service: Service): string {
  const base = baseName(service.name);
  const replies = service.methods.some((m) => !isEvent(m));
  const line = (m: Method): string =>
    isEvent(m)
      ? `    ${m.name}: publisher(client, queues.${m.name}, encodeJSONMessage, undefined, pub),`
      : `    ${m.name}: publisher(client, queues.${m.name}, encodeJSONMessage, decodeJSONMessage(${schemaName(m.name, "Response")}), { ...pub, replies }),`;
  const setup = replies
    ? `  const { replies } = options;
  if (replies === undefined) throw new TypeError("sqsTransport needs options.replies, a reply queue from sqsReplyQueue");
  const pub = { ...options.publisher, ...(options.timeout === undefined ? {} : { timeout: options.timeout }) };`
    : "  const pub = options.publisher ?? {};";
  return `
/**
 * Client endpoints that send each call to its method's queue and, unless the method is an
 * event, wait for the reply on \`options.replies\`. Give them to \`${camel(base)}Client\` for a typed client.
 *
 * @param client - the SQS client
 * @param queues - each method's queue URL
 * @param options - ${replies ? "the reply queue, " : ""}publisher options
 */
export function sqsTransport(client: SQSClient, queues: SqsQueueUrls, options: SqsOptions = {}): ${base}Endpoints {
${setup}
  return {
${service.methods.map(line).join("\n")}
  };
}
`;
}

/** `<base>.sqs.ts`: queue lookup and creation, a subscriber per method, a reply queue and a transport. */
export function emitSqs(service: Service, head: string): string {
  return `${imports(service, head)}\n${declarations(service)}${queueFunctions(service)}${replyQueueFunction(service)}${subscribersFunction(service)}${transportFunction(service)}`;
}
