// Paths the tests share.
import { fileURLToPath } from "node:url";

/** The inventory fixture's service file. */
export const inventoryFile: string = fileURLToPath(new URL("../fixtures/inventory/service.ts", import.meta.url));
/** Where the inventory fixture's generated code is committed. */
export const inventoryOut: string = fileURLToPath(new URL("../fixtures/inventory/generated", import.meta.url));
/** The catalog fixture's service file (its generated code: HTTP only). */
export const catalogFile: string = fileURLToPath(new URL("../fixtures/catalog/service.ts", import.meta.url));
/** The shapes fixture's service file (its generated code: gRPC only). */
export const shapesFile: string = fileURLToPath(new URL("../fixtures/shapes/service.ts", import.meta.url));
/** The streams fixture's service file (its generated code: gRPC only, one method of each call kind). */
export const streamsFile: string = fileURLToPath(new URL("../fixtures/streams/service.ts", import.meta.url));
/** The gowire fixture's service file (Go kit's wire; its generated code: HTTP, gRPC, memory, AMQP and JSON-RPC). */
export const gowireFile: string = fileURLToPath(new URL("../fixtures/gowire/service.ts", import.meta.url));
/** The gojson fixture's service file (`@goJSON`; its generated code: HTTP, JSON-RPC and memory). */
export const gojsonFile: string = fileURLToPath(new URL("../fixtures/gojson/service.ts", import.meta.url));
