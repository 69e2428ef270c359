import { dirname, join, relative, resolve as resolvePath, sep } from "node:path";
import { emitEndpoints } from "./emit/endpoints.ts";
import { header } from "./emit/header.ts";
import { emitGrpc } from "./emit/grpc.ts";
import { emitHttp } from "./emit/http.ts";
import { emitJsonRpc } from "./emit/jsonrpc.ts";
import { emitKafka } from "./emit/kafka.ts";
import { emitMessaging, messagingTargets } from "./emit/messaging.ts";
import { emitMiddleware } from "./emit/middleware.ts";
import { emitProto } from "./emit/proto-file.ts";
import { emitProtobuf } from "./emit/protobuf.ts";
import { emitServe, servedTransports } from "./emit/serve.ts";
import { emitServeRun } from "./emit/serve-run.ts";
import { emitSqs } from "./emit/sqs.ts";
import { emitValidators } from "./emit/validators.ts";
import { KitgenError } from "./diagnostic.ts";
import type { Service } from "./model.ts";
import { baseName, kebab } from "./names.ts";
import { protoModel } from "./proto-model.ts";
import { resolveService } from "./resolve-service.ts";

/** The transports `--transports` accepts. */
export const supportedTransports = ["http", "grpc", "nats", "amqp", "mqtt", "redis", "kafka", "sqs", "memory", "jsonrpc"] as const;

/** A transport kitgen generates. */
export type Transport = (typeof supportedTransports)[number];

/** What {@link generate} needs. */
export interface GenerateOptions {
  /** The `.ts` file declaring the service interface. */
  readonly file: string;
  /** The interface's name, when the file exports several. */
  readonly service?: string;
  /** The output folder; default `generated/` beside the file. */
  readonly out?: string;
  /** The transports to write; default all of {@link supportedTransports}. */
  readonly transports?: readonly string[];
}

/** What {@link generate} made: the output folder and each file's name and text. */
export interface Generated {
  /** The resolved service. */
  readonly service: Service;
  /** The absolute output folder. */
  readonly out: string;
  /** File name (in `out`) → content, in a stable order. */
  readonly files: ReadonlyMap<string, string>;
}

/** The output folder for `options`: `--out`, or `generated/` beside the input. */
export function outDir(options: GenerateOptions): string {
  return resolvePath(options.out ?? join(dirname(resolvePath(options.file)), "generated"));
}

/** Checks the `--transports` list. */
export function parseTransports(list: readonly string[] | undefined): Transport[] {
  if (list === undefined) return [...supportedTransports];
  const out: Transport[] = [];
  for (const name of list) {
    if (!(supportedTransports as readonly string[]).includes(name)) {
      throw new KitgenError(`kitgen: unknown or not yet supported transport ${JSON.stringify(name)} (supported: ${supportedTransports.join(", ")})`);
    }
    if (!out.includes(name as Transport)) out.push(name as Transport);
  }
  return out;
}

/**
 * The transports for a service with streaming methods: gRPC alone, which is the only one that
 * carries streams (the default when `--transports` is not given); any other is an error.
 */
function streamingTransports(service: Service, transports: Transport[], byDefault: boolean): Transport[] {
  const streaming = service.methods.filter((m) => m.stream !== undefined).map((m) => m.name);
  if (streaming.length === 0) return transports;
  if (byDefault) return ["grpc"];
  const others = transports.filter((t) => t !== "grpc");
  if (others.length > 0) {
    throw new KitgenError(`kitgen: ${streaming.join(", ")} stream (AsyncIterable), which only gRPC carries, not ${others.join(", ")}: generate with --transports grpc`);
  }
  return transports;
}

/**
 * Resolves the service in `options.file` and renders every generated file in memory; writes
 * nothing. Throws {@link KitgenError} when the interface cannot be mapped.
 *
 * @param options - the input file, service name, output folder and transports
 */
export function generate(options: GenerateOptions): Generated {
  const parsed = parseTransports(options.transports);
  const service = resolveService(options.file, options.service);
  const transports = streamingTransports(service, parsed, options.transports === undefined);
  const out = outDir(options);
  const source = relative(out, resolvePath(options.file)).split(sep).join("/");
  const sourceImport = source.startsWith(".") ? source : `./${source}`;
  const head = header(source);
  const base = kebab(baseName(service.name));
  const files = new Map<string, string>();
  files.set(`${base}.endpoints.ts`, emitEndpoints(service, head, sourceImport));
  files.set(`${base}.validators.ts`, emitValidators(service, head));
  files.set(`${base}.middleware.ts`, emitMiddleware(service, head));
  if (transports.includes("http")) files.set(`${base}.http.ts`, emitHttp(service, head));
  for (const id of ["memory", "nats", "amqp", "mqtt", "redis"] as const) {
    const target = messagingTargets[id];
    if (transports.includes(id) && target !== undefined) files.set(`${base}.${id}.ts`, emitMessaging(service, head, target));
  }
  if (transports.includes("grpc")) {
    const model = protoModel(service);
    files.set(`${base}.proto`, emitProto(service, model, source));
    files.set(`${base}.pb.ts`, emitProtobuf(service, model, head));
    files.set(`${base}.grpc.ts`, emitGrpc(service, model, head));
  }
  if (transports.includes("kafka")) files.set(`${base}.kafka.ts`, emitKafka(service, head));
  if (transports.includes("sqs")) files.set(`${base}.sqs.ts`, emitSqs(service, head));
  if (transports.includes("jsonrpc")) files.set(`${base}.jsonrpc.ts`, emitJsonRpc(service, head));
  if (servedTransports(transports).length > 0) {
    files.set(`${base}.serve.ts`, emitServe(service, head, transports));
    files.set(`${base}.run.ts`, emitServeRun(service, head, transports));
  }
  return { service, out, files };
}
