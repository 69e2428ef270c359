import type { HeaderCarrier } from "@kit/transport";

/** MQTT 5 user properties, as mqtt.js reads and writes them. */
export type UserProperties = Record<string, string | string[]>;

/**
 * A received message's MQTT 5 user properties as Kit headers: lower-case names, the first value
 * of a name that repeats; a message without user properties has no headers. They are read where
 * mqtt.js parsed them (an object of its own for each message, names as sent, a repeated name's
 * values in an array), so a message whose names are all lower case, as Kit's publishers write
 * them, costs no copy. A name that is not, or a header being set (the runtime's `kit-timeout`
 * less the time in the broker, a `before` hook), moves them into a Map first, where they stay.
 */
export class UserPropertyHeaders implements HeaderCarrier {
  /** The user properties as mqtt.js parsed them, while every name is lower case and none was set. */
  #parsed: UserProperties | undefined;
  /** The headers, once they are kept in a Map. */
  #map: Map<string, string> | undefined;

  /** @param parsed - the PUBLISH packet's `properties.userProperties` */
  constructor(parsed: UserProperties | undefined) {
    if (parsed === undefined || namesAreLowerCase(parsed)) this.#parsed = parsed;
    else this.#map = headerMap(parsed);
  }

  get(name: string): string | undefined {
    if (this.#map !== undefined) return this.#map.get(name);
    const value = this.#parsed?.[name]; // mqtt-packet's object has no prototype: only the message's own names
    return typeof value === "string" ? value : Array.isArray(value) ? value[0] : undefined;
  }

  set(name: string, value: string): void {
    this.toMap().set(name, value);
  }

  /** The headers as a Map: the one they are kept in from then on (setting one there sets it here). */
  toMap(): Map<string, string> {
    if (this.#map === undefined) {
      this.#map = headerMap(this.#parsed);
      this.#parsed = undefined;
    }
    return this.#map;
  }
}

function namesAreLowerCase(parsed: UserProperties): boolean {
  for (const name in parsed) if (name !== name.toLowerCase()) return false;
  return true;
}

/** User properties as a Map of headers: lower-case names, the first value of a name that repeats (whatever its case). */
function headerMap(parsed: UserProperties | undefined): Map<string, string> {
  const headers = new Map<string, string>();
  for (const name in parsed) { // a plain object mqtt-packet made: own properties only
    const value = parsed[name];
    const first = Array.isArray(value) ? value[0] : value;
    const key = name.toLowerCase();
    if (first !== undefined && !headers.has(key)) headers.set(key, first);
  }
  return headers;
}

/**
 * Kit headers as MQTT 5 user properties, or `undefined` when there are none (mqtt.js then
 * writes no property at all).
 *
 * @param headers - the headers, lower-case names
 */
export function toUserProperties(headers: ReadonlyMap<string, string>): UserProperties | undefined {
  if (headers.size === 0) return undefined;
  const props: UserProperties = {};
  for (const [name, value] of headers) props[name] = value;
  return props;
}
