import type { ProtoModel } from "../proto-model.ts";
import { importFrom } from "./header.ts";

/** Where a generated `<base>.pb.ts` imports protobuf's wire format from: one tested copy, not one per file. */
export const protobufRuntimeModule = "@kit/transport-grpc/protobuf";

/**
 * The top of every `<base>.pb.ts`: the import of the wire format (a writer and a reader of
 * varints, doubles and length-delimited bytes, and the enum helpers when the service has an
 * enum) from {@link protobufRuntimeModule}, naming only what the file uses (an unused import
 * fails `noUnusedLocals`), and the `Obj` type the codec and the `.grpc.ts` share.
 *
 * @param model - the service's messages and enums
 */
export function protobufRuntime(model: ProtoModel): string {
  const names = [
    "Reader",
    ...(model.messages.some((m) => m.fields.length > 0) ? ["Writer"] : []),
    ...(model.enums.length > 0 ? ["enumNumber", "enumValue"] : []),
  ];
  return `${importFrom(`{ ${names.join(", ")} }`, protobufRuntimeModule)}

/** A plain object, as the codec reads and writes it. */
export type Obj = Readonly<Record<string, unknown>>;
`;
}
