import { headers as natsHeaders, type Match, type MsgHdrs } from "@nats-io/nats-core";
import { BlockCache } from "./block-cache.ts";
import { isDefaultContentType } from "./default-content-type.ts";

/** nats.js's `MsgHdrs` as its `headers()` makes them: `toString()` is the header block's text. */
interface NatsHeaders extends MsgHdrs {
  toString(): string;
}

/** The header blocks made before (up to 1 024 headers' worth, then it starts over). */
const blocks = new BlockCache(1_024);

/**
 * Kit headers of an outgoing core NATS message, as the `MsgHdrs` nats.js's `publish` and
 * `respond` take. nats.js puts a message's header block on the wire as its headers'
 * `encode()`, which its own `MsgHdrs` makes afresh for every message with a `TextEncoder`
 * (about a microsecond for a block of one or two headers, the bulk of what a header costs).
 * This one makes the same bytes with `Buffer.from` and keeps them for the next message with the
 * same headers, such as every request's `kit-timeout` of the same budget: most messages reuse a
 * block made before. The default content-type (`application/json`) is left out, on the wire and
 * in what the `MsgHdrs` methods read: a message without one is JSON.
 *
 * The names and values are checked as nats.js checks them (it throws for a name or value it
 * cannot write) when a block is first made. Read or changed through the `MsgHdrs` methods, it
 * behaves as nats.js's own: those run on a nats.js `MsgHdrs` made from the Kit headers on first
 * use, and a change makes `encode()` write that one.
 */
export class HeaderBlock implements MsgHdrs {
  readonly #kit: ReadonlyMap<string, string>;
  #bytes: Uint8Array | undefined;
  #nats: NatsHeaders | undefined;

  /** Throws nats.js's `InvalidArgumentError` for a name or value NATS cannot carry. */
  constructor(kit: ReadonlyMap<string, string>) {
    this.#kit = kit;
    this.#bytes = blocks.get(kit, blockOf);
  }

  /** The header block as nats.js writes it (`NATS/1.0`, a `name: value` line each, an empty line): what its `publish` sends. */
  encode(): Uint8Array {
    return this.#bytes ?? Buffer.from(this.#view().toString(), "utf8"); // changed since: the block of what it holds now
  }

  /** The header block's text. */
  toString(): string {
    return this.#view().toString();
  }

  get hasError(): boolean {
    return this.#view().hasError;
  }

  get status(): string {
    return this.#view().status;
  }

  get code(): number {
    return this.#view().code;
  }

  get description(): string {
    return this.#view().description;
  }

  get(k: string, match?: Match): string {
    return this.#view().get(k, match);
  }

  last(k: string, match?: Match): string {
    return this.#view().last(k, match);
  }

  has(k: string, match?: Match): boolean {
    return this.#view().has(k, match);
  }

  keys(): string[] {
    return this.#view().keys();
  }

  values(k: string, match?: Match): string[] {
    return this.#view().values(k, match);
  }

  set(k: string, v: string, match?: Match): void {
    this.#changed().set(k, v, match);
  }

  append(k: string, v: string, match?: Match): void {
    this.#changed().append(k, v, match);
  }

  delete(k: string, match?: Match): void {
    this.#changed().delete(k, match);
  }

  [Symbol.iterator](): Iterator<[string, string[]]> {
    return this.#view()[Symbol.iterator]();
  }

  /** The headers as a nats.js `MsgHdrs`, made on first use. */
  #view(): NatsHeaders {
    return (this.#nats ??= natsHeadersOf(this.#kit));
  }

  /** The nats.js `MsgHdrs`, about to change: the kept block no longer says what it holds. */
  #changed(): MsgHdrs {
    this.#bytes = undefined;
    return this.#view();
  }
}

/** Kit headers, less the default content-type, as a nats.js `MsgHdrs`; throws its error for a name or value NATS cannot carry. */
function natsHeadersOf(kit: ReadonlyMap<string, string>): NatsHeaders {
  const hdrs: NatsHeaders = natsHeaders();
  for (const [name, value] of kit) {
    if (!isDefaultContentType(name, value)) hdrs.append(name, value); // the names are a map's keys: no duplicate to replace
  }
  return hdrs;
}

/** The header block of Kit headers, as nats.js writes it. */
function blockOf(kit: ReadonlyMap<string, string>): Uint8Array {
  return Buffer.from(natsHeadersOf(kit).toString(), "utf8");
}
