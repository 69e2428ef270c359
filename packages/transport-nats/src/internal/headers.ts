import { headers as natsHeaders, type MsgHdrs } from "@nats-io/nats-core";
import type { HeaderCarrier } from "@kit/transport";
import { absentHeader, sendsNoHeaders } from "./default-content-type.ts";
import { HeaderBlock } from "./header-block.ts";

/**
 * A received message's NATS headers as a Kit {@link HeaderCarrier}. Names are looked up exactly
 * first (Kit writes lower case), then ignoring case, so `Kit-Timeout` from `nats req -H` works;
 * a name the message does not have reads as `""`, as nats.js's `get` reads it, except
 * `content-type`, which reads as the default, `application/json` (see `default-content-type.ts`).
 */
export function readHeaders(hdrs: MsgHdrs | undefined): HeaderCarrier {
  if (hdrs === undefined) return empty;
  return {
    get: (name) => valueOf(hdrs, name),
    set: (name, value) => {
      hdrs.set(name, value);
    },
  };
}

/**
 * The first value of the header `name`, or of one whose name differs only in case when none has
 * it exactly; `""` when there is neither. One pass over the headers: every message is asked for
 * names it mostly lacks (`kit-timeout`, `kit-error-code`), which nats.js's `get` answers by
 * listing and filtering the names, twice to ignore case.
 */
function valueOf(hdrs: MsgHdrs, name: string): string {
  const lower = name.toLowerCase();
  let folded: string | undefined;
  for (const [key, values] of hdrs) {
    const value = values[0] ?? "";
    if (key === name && value !== "") return value;
    if (folded === undefined && key.toLowerCase() === lower) folded = value;
  }
  return folded ?? absentHeader(lower, "");
}

/** The headers of a message without a header block: none but the default content-type. */
const empty: HeaderCarrier = {
  get: (name) => absentHeader(name.toLowerCase(), undefined),
  set: () => {
    throw new TypeError("a received message without headers cannot be changed");
  },
};

/**
 * Kit headers as NATS headers (a {@link HeaderBlock}), less the default content-type
 * (`application/json`, which a message without one reads as); `undefined` when no other is
 * left, so a plain message (a JSON body, say) stays plain. Throws nats.js's error for a name or
 * value NATS cannot carry.
 */
export function toNatsHeaders(map: ReadonlyMap<string, string>): MsgHdrs | undefined {
  if (sendsNoHeaders(map)) return undefined;
  return new HeaderBlock(map);
}

/** A received message's headers with `extra` set on top: what a dead letter carries (less any `Nats-Expected-*`). */
export function withHeaders(original: MsgHdrs | undefined, extra: ReadonlyMap<string, string>): MsgHdrs {
  const hdrs = natsHeaders();
  if (original !== undefined) {
    for (const [name, values] of original) {
      // A JetStream publish expectation of the original (`Nats-Expected-Stream`…) would fail the dead letter's own publish.
      if (name.toLowerCase().startsWith("nats-expected-")) continue;
      for (const value of values) hdrs.append(name, value);
    }
  }
  for (const [name, value] of extra) hdrs.set(name, value);
  return hdrs;
}
