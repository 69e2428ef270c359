import type { HeaderCarrier } from "@kit/transport";
import type { IHeaders } from "kafkajs";
import { headersFromKafka } from "../headers.ts";

/** Up to how many bytes a value is read in JavaScript rather than by `Buffer#toString`. */
const short = 16;

/**
 * UTF-8 bytes as text. A short ASCII value (`kit-timeout`'s digits, read for every record) is
 * read here: for a few bytes the call into native code costs more than the decoding.
 */
function utf8(bytes: Buffer): string {
  const { length } = bytes;
  if (length > short) return bytes.toString("utf8");
  let out = "";
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte > 0x7f) return bytes.toString("utf8");
    out += String.fromCharCode(byte);
  }
  return out;
}

/** A header value as kafkajs decodes it: the last of a repeated header, as UTF-8 text. */
function text(raw: IHeaders[string]): string | undefined {
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : utf8(value);
}

/** Whether `name` is in lower case: an ASCII name by a loop over its bytes, which costs less than a call to `toLowerCase`. */
function isLowerCase(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code > 0x7f) return name === name.toLowerCase();
    if (code >= 0x41 && code <= 0x5a) return false; // A to Z
  }
  return true;
}

/** Whether every header name is already lower case, so a name can be looked up as it is. */
function lowerCaseNames(raw: IHeaders): boolean {
  for (const name in raw) {
    if (!isLowerCase(name)) return false;
  }
  return true;
}

/**
 * A record's headers as the runtime reads them (lower-case names, UTF-8 values, the last of a
 * repeated header), read from kafkajs's headers only when asked: most records have only
 * `kit-timeout` read, so the other headers are never decoded and no map is built. A header
 * set on it (a `before` hook may) turns it into a map of all of them.
 */
export class RecordHeaders implements HeaderCarrier {
  private readonly raw: IHeaders | undefined;
  private map: Map<string, string> | undefined;
  /** One header replaced before the map was built. */
  private patched: [string, string] | undefined;
  /** Whether names can be looked up as they are; `undefined` until first asked. */
  private direct: boolean | undefined;

  constructor(raw: IHeaders | undefined) {
    this.raw = raw;
  }

  get(name: string): string | undefined {
    if (this.map !== undefined) return this.map.get(name);
    if (this.patched?.[0] === name) return this.patched[1];
    const { raw } = this;
    if (raw === undefined) return undefined;
    this.direct ??= lowerCaseNames(raw);
    if (!this.direct) return this.toMap().get(name);
    return Object.hasOwn(raw, name) ? text(raw[name]) : undefined;
  }

  set(name: string, value: string): void {
    this.toMap().set(name, value);
  }

  /**
   * Replaces one header's value without decoding the others (the driver's `kit-timeout`, less the
   * record's time in the topic); a later {@link RecordHeaders.set} or {@link RecordHeaders.toMap}
   * keeps it.
   */
  replace(name: string, value: string): void {
    if (this.map === undefined) this.patched = [name, value];
    else this.map.set(name, value);
  }

  /** All the headers as a map: what a dead letter copies. */
  toMap(): Map<string, string> {
    if (this.map === undefined) {
      this.map = headersFromKafka(this.raw);
      if (this.patched !== undefined) this.map.set(this.patched[0], this.patched[1]);
      this.patched = undefined;
    }
    return this.map;
  }
}
