import { headers as natsHeaders, Match, type MsgHdrs } from "@nats-io/nats-core";
import type { HeaderCarrier } from "@kit/transport";

/**
 * A received message's NATS headers as a Kit {@link HeaderCarrier}. Names are looked up exactly
 * first (Kit writes lower case), then ignoring case, so `Kit-Timeout` from `nats req -H` works.
 */
export function readHeaders(hdrs: MsgHdrs | undefined): HeaderCarrier {
  if (hdrs === undefined) return empty;
  return {
    get: (name) => {
      const exact = hdrs.get(name);
      return exact !== "" ? exact : hdrs.get(name, Match.IgnoreCase);
    },
    set: (name, value) => {
      hdrs.set(name, value);
    },
  };
}

const empty: HeaderCarrier = {
  get: () => undefined,
  set: () => {
    throw new TypeError("a received message without headers cannot be changed");
  },
};

/** Kit headers as NATS headers; `undefined` when there are none, so a plain message stays plain. */
export function toNatsHeaders(map: ReadonlyMap<string, string>): MsgHdrs | undefined {
  if (map.size === 0) return undefined;
  const hdrs = natsHeaders();
  for (const [name, value] of map) hdrs.set(name, value);
  return hdrs;
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
