import type { IPublishPacket } from "mqtt";

/** MQTT 5 user properties, as mqtt.js reads and writes them. */
export type UserProperties = Record<string, string | string[]>;

/**
 * A message's MQTT 5 user properties as Kit headers: lower-case names, the first value of a
 * name that repeats. A message without user properties has no headers.
 *
 * @param packet - the PUBLISH packet as mqtt.js parsed it
 */
export function readUserProperties(packet: IPublishPacket): Map<string, string> {
  const headers = new Map<string, string>();
  const props = packet.properties?.userProperties;
  if (props === undefined) return headers;
  for (const name in props) { // a plain object mqtt-packet made: own properties only
    const value = props[name];
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
