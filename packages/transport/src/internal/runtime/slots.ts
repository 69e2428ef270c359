/** Something that holds a slot: the slot's index while it does, -1 while it does not. */
export interface SlotHolder {
  slot: number;
}

/**
 * The pump's slots: which deliveries hold one, in a table whose places are reused, so that
 * taking and freeing a slot allocates nothing once the table has grown to the concurrency (a
 * `Set` allocates as its entries come and go, on every message). Each holder keeps its index,
 * so freeing it is one write, and freeing it again does nothing.
 */
export class Slots<T extends SlotHolder> {
  /** The holders by slot index; `undefined` where a place is free. */
  readonly #table: (T | undefined)[] = [];
  /** The indexes of the free places, the last freed on top. */
  readonly #free: number[] = [];
  #size = 0;

  /** How many slots are held. */
  get size(): number {
    return this.#size;
  }

  /** Gives `holder` a slot. */
  take(holder: T): void {
    const index = this.#free.pop() ?? this.#table.length;
    this.#table[index] = holder;
    holder.slot = index;
    this.#size += 1;
  }

  /** Frees `holder`'s slot; false when it held none (freed already). */
  free(holder: T): boolean {
    const index = holder.slot;
    if (index < 0 || this.#table[index] !== holder) return false;
    this.#table[index] = undefined;
    holder.slot = -1;
    this.#free.push(index);
    this.#size -= 1;
    return true;
  }

  /** The holders of the slots held now. */
  held(): T[] {
    return this.#table.filter((holder): holder is T => holder !== undefined);
  }
}
