import type { TextMapGetter, TextMapSetter } from "@opentelemetry/api";
import type { HeaderGetter, HeaderSetter, MetadataCarrier, NodeHeaders } from "../carriers.ts";

/** Reads a header carrier (fetch `Headers`, `@kit/transport`'s `HeaderCarrier`, a `Map`). */
export const headerGetter: TextMapGetter<HeaderGetter> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => {
    const { keys } = carrier as { keys?: () => Iterable<string> };
    return typeof keys === "function" ? Array.from(keys.call(carrier)) : [];
  },
};

/** Writes any carrier with `set(name, value)`: fetch `Headers`, a `Map`, grpc-js `Metadata`. */
export const headerSetter: TextMapSetter<HeaderSetter> = {
  set: (carrier, key, value) => {
    carrier.set(key, value);
  },
};

/** Reads a Node header record (`IncomingMessage.headers`): lower-case names, repeated headers as arrays. */
export const nodeHeadersGetter: TextMapGetter<NodeHeaders> = {
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === "string" || value === undefined ? value : [...value];
  },
  keys: (carrier) => Object.keys(carrier),
};

/** Reads gRPC metadata: its string values (a `-bin` key's bytes are not trace context). */
export const metadataGetter: TextMapGetter<MetadataCarrier> = {
  get: (carrier, key) => {
    const values = carrier.get(key).filter((value) => typeof value === "string");
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
  keys: (carrier) => {
    const { getMap } = carrier as { getMap?: () => Record<string, unknown> };
    return typeof getMap === "function" ? Object.keys(getMap.call(carrier)) : [];
  },
};
