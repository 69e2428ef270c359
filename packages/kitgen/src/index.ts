/**
 * kitgen, Kit's code generator, as a library: {@link generate} renders the code for a service
 * interface, {@link writeGenerated} writes it atomically and {@link staleFiles} checks it;
 * {@link main} is the `kitgen` command line.
 *
 * @packageDocumentation
 */
export { formatDiagnostic, KitgenError, type Diagnostic } from "./diagnostic.ts";
export { generate, outDir, parseTransports, supportedTransports, type Generated, type GenerateOptions, type Transport } from "./generate.ts";
export type { Io } from "./io.ts";
export { main, version } from "./main.ts";
export type {
  ArrayType,
  Field,
  HttpRoute,
  LiteralType,
  Method,
  NumberType,
  ObjectType,
  PlainType,
  RecordType,
  RefType,
  Service,
  StringType,
  UnionType,
  WireType,
} from "./model.ts";
export { resolveService } from "./resolve-service.ts";
export { scaffold, type ScaffoldOptions } from "./scaffold.ts";
export { watchGen, type Watcher } from "./watch.ts";
export { staleFiles, writeGenerated } from "./write.ts";
