import type { SeriesFactory } from "../backend.ts";

/** The kind of a metric, for messages. */
export type Kind = "counter" | "gauge" | "histogram";

type Node = Map<string, unknown>;

/**
 * A labelled metric at run time: `with` checks the labels and returns the series for their
 * values, made once by the backend's factory and then found again in a trie of maps keyed by
 * each value in declared order (no key string is built, so a hit allocates nothing).
 */
export class Family<S> {
  private readonly kind: Kind;
  private readonly name: string;
  private readonly names: readonly string[];
  private readonly make: SeriesFactory<S>;
  private readonly root: Node = new Map();

  constructor(kind: Kind, name: string, names: readonly string[], make: SeriesFactory<S>) {
    this.kind = kind;
    this.name = name;
    this.names = [...names]; // a plain copy: the declaration's array is frozen
    this.make = make;
  }

  with(labels: Readonly<Record<string, unknown>>): S {
    // The hot path when the values were seen before: no allocation (provider.test.ts checks it).
    // Indexed loops on purpose: for…of may allocate an iterator (it does on a frozen array).
    const names = this.names;
    if (typeof labels !== "object" || (labels as unknown) === null) throw this.invalid(labels);
    let given = 0;
    // Counting with for…in allocates nothing, unlike Object.keys.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- only the count matters
    for (const _ in labels) given++;
    if (given !== names.length) throw this.invalid(labels);
    // Walk one map per label in declared order; the last one holds the series.
    let node = this.root;
    const last = names.length - 1;
    for (let i = 0; i < last; i++) {
      const value = labels[names[i] ?? ""];
      if (typeof value !== "string") throw this.invalid(labels);
      let next = node.get(value) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const value = labels[names[last] ?? ""];
    if (typeof value !== "string") throw this.invalid(labels);
    let series = node.get(value) as S | undefined;
    if (series === undefined) {
      series = this.create(labels);
      node.set(value, series);
    }
    return series;
  }

  // Kept out of `with`: a closure there would capture `labels` and allocate a context per call.
  private create(labels: Readonly<Record<string, unknown>>): S {
    return this.make(this.names.map((n) => labels[n] as string));
  }

  // An untyped caller may record on the family itself; say what to do instead.
  add(): never {
    throw this.unbound();
  }

  set(): never {
    throw this.unbound();
  }

  observe(): never {
    throw this.unbound();
  }

  private unbound(): TypeError {
    return new TypeError(
      `${this.kind} "${this.name}" has labels [${this.names.join(", ")}]: record on the child that with({ ... }) returns`,
    );
  }

  private invalid(labels: unknown): TypeError {
    const declared = `${this.kind} "${this.name}" takes labels [${this.names.join(", ")}]`;
    if (typeof labels !== "object" || labels === null) return new TypeError(`${declared}, got ${String(labels)}`);
    const record = labels as Record<string, unknown>;
    const problems: string[] = [];
    const missing = this.names.filter((n) => !(n in record));
    if (missing.length > 0) problems.push(`missing ${missing.map((n) => `"${n}"`).join(", ")}`);
    const unknown = Object.keys(record).filter((k) => !this.names.includes(k));
    if (unknown.length > 0) problems.push(`unknown ${unknown.map((n) => `"${n}"`).join(", ")}`);
    const notStrings = this.names.filter((n) => n in record && typeof record[n] !== "string");
    if (notStrings.length > 0) problems.push(`not a string: ${notStrings.map((n) => `"${n}"`).join(", ")}`);
    return new TypeError(`${declared}: ${problems.join("; ")}`);
  }
}
