// fast-check arbitraries for kitgen's wire types: any value a generated validator must accept.
import fc from "fast-check";
import type { WireType } from "../../src/model.ts";

function stringArb(t: Extract<WireType, { kind: "string" }>): fc.Arbitrary<string> {
  const minLength = t.minLength ?? 0;
  const maxLength = t.maxLength ?? 12;
  const base = t.pattern === undefined ? fc.string({ minLength, maxLength, unit: "grapheme" }) : fc.stringMatching(new RegExp(t.pattern, "u"));
  return base.filter((s) => s.length >= minLength && s.length <= (t.maxLength ?? Infinity));
}

function numberArb(t: Extract<WireType, { kind: "number" }>): fc.Arbitrary<number> {
  if (t.int !== undefined) {
    const lo = t.int === "int32" ? -2147483648 : Number.MIN_SAFE_INTEGER;
    const hi = t.int === "int32" ? 2147483647 : Number.MAX_SAFE_INTEGER;
    return fc.integer({ min: Math.max(lo, Math.ceil(t.min ?? lo)), max: Math.min(hi, Math.floor(t.max ?? hi)) });
  }
  return fc
    .double({ noNaN: true, noDefaultInfinity: true, min: t.min ?? -1e300, max: t.max ?? 1e300 })
    .filter((n) => !Object.is(n, -0)); // JSON has no -0
}

/** An arbitrary of every value of `t`; `named` resolves `@recursive` references, `depth` bounds them. */
export function arbitraryOf(t: WireType, named: ReadonlyMap<string, WireType>, depth = 0): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case "string":
      return stringArb(t);
    case "number":
      return numberArb(t);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "void":
      return fc.constant(undefined);
    case "literal":
      return fc.constant(t.value);
    case "array":
      return depth > 6 ? fc.constant([]) : fc.array(arbitraryOf(t.element, named, depth + 1), { maxLength: 4 });
    case "record":
      return fc
        .dictionary(fc.string({ unit: "grapheme" }).filter((k) => k !== "__proto__"), arbitraryOf(t.value, named, depth + 1), { maxKeys: 3 })
        .map((d) => ({ ...d }));
    case "object": {
      const model = Object.fromEntries(t.fields.map((f) => [f.name, arbitraryOf(f.type, named, depth + 1)]));
      return fc.record(model, { requiredKeys: t.fields.filter((f) => !f.optional).map((f) => f.name) });
    }
    case "union":
      return fc.oneof(...t.members.map((m) => arbitraryOf(m, named, depth + 1)));
    case "ref": {
      const target = named.get(t.name);
      if (target === undefined) throw new Error(`no named type ${t.name}`);
      return arbitraryOf(target, named, depth + 1);
    }
  }
}
