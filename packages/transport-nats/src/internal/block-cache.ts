/** A node of the {@link BlockCache}: the block of the headers that lead to it, and the headers that may follow. */
interface Node {
  bytes: Uint8Array | undefined;
  /** By the next header's name, then its value. */
  readonly next: Map<string, Map<string, Node>>;
}

/**
 * The header blocks made before, found by the headers they hold: a tree whose path from the
 * root is the headers' names and values in order. A lookup compares the very strings (no key is
 * built, so no two sets of headers can share a block), and headers a message has every time
 * (`content-type`: constant strings, whose hashes are kept) cost a few map lookups. Past `limit`
 * blocks, it starts over, so a stream of headers that change with each message (a
 * `kit-timeout`) does not grow it without end.
 */
export class BlockCache {
  readonly #limit: number;
  #root: Node = newNode();
  #nodes = 0;

  /** @param limit - how many headers (nodes) the tree holds before it starts over */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The block of `headers`, made by `make(headers)` (and kept) the first time they are seen; what `make` throws is thrown. */
  get(headers: ReadonlyMap<string, string>, make: (headers: ReadonlyMap<string, string>) => Uint8Array): Uint8Array {
    if (this.#nodes >= this.#limit) {
      this.#root = newNode();
      this.#nodes = 0;
    }
    let node = this.#root;
    for (const [name, value] of headers) {
      let values = node.next.get(name);
      if (values === undefined) node.next.set(name, (values = new Map<string, Node>()));
      let child = values.get(value);
      if (child === undefined) {
        values.set(value, (child = newNode()));
        this.#nodes++;
      }
      node = child;
    }
    return (node.bytes ??= make(headers));
  }
}

function newNode(): Node {
  return { bytes: undefined, next: new Map() };
}
