import type { IncomingHttpHeaders } from "node:http";
import type { HeaderCarrier } from "@kit/transport";

/** A read-only HeaderCarrier over node:http's incoming headers. */
export function incomingCarrier(headers: IncomingHttpHeaders): HeaderCarrier {
  return {
    get: (name) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    set: () => {
      throw new TypeError("incoming headers are read-only");
    },
  };
}
