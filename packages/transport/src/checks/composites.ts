import { type Check, fail, type Issue, isObject } from "./check.ts";

/** An object's fields: name, whether it is optional, and its checker. */
export type Fields = readonly (readonly [string, boolean, Check<unknown>])[];

/**
 * An array whose every element passes `element`; an element's issues name its index
 * (`items[2].quantity`).
 *
 * @param element - the checker of each element
 */
export function arr(element: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) return fail(issues, path, "expected an array");
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(element(value[i], [...path, i], issues));
    return out;
  };
}

/**
 * An object used as a record: every value passes `element`.
 *
 * @param element - the checker of each value
 */
export function rec(element: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, element(item, [...path, key], issues)]));
  };
}

/**
 * An object with `fields`: a missing field that is not optional is `required`; unknown keys are
 * dropped from the value given back.
 *
 * @param fields - the fields, each `[name, optional, check]`
 */
export function obj(fields: Fields): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    const out: Record<string, unknown> = {};
    for (const [name, optional, check] of fields) {
      const item = value[name];
      if (item === undefined) {
        if (!optional) fail(issues, [...path, name], "required");
        continue;
      }
      out[name] = check(item, [...path, name], issues);
    }
    return out;
  };
}

/**
 * {@link obj} matching keys whatever their case (`@jsonCaseInsensitive`, Go's rule: the last
 * match wins).
 *
 * @param fields - the fields, each `[name, optional, check]`
 */
export function objFold(fields: Fields): Check<unknown> {
  const check = obj(fields);
  return (value, path, issues) => (isObject(value) ? check(foldKeys(value, fields), path, issues) : check(value, path, issues));
}

/** The object with each key that matches a field whatever its case renamed to the field (the last match wins). */
function foldKeys(value: Record<string, unknown>, fields: Fields): Record<string, unknown> {
  const names = new Map(fields.map(([name]) => [name.toLowerCase(), name]));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[names.get(key.toLowerCase()) ?? key] = item;
  return out;
}

/**
 * A result wrapped in an object's `field` (`{"v": 3}`), giving back the result itself.
 *
 * @param field - the key that holds the result
 * @param fold - match the key whatever its case (the last match wins)
 * @param check - the checker of the result
 */
export function wrapped(field: string, fold: boolean, check: Check<unknown>): Check<unknown> {
  return (value, path, issues) => {
    if (!isObject(value)) return fail(issues, path, "expected an object");
    let item: unknown = fold ? undefined : value[field];
    if (fold) for (const [key, found] of Object.entries(value)) if (key.toLowerCase() === field.toLowerCase()) item = found;
    if (item === undefined) return fail(issues, [...path, field], "required");
    return check(item, [...path, field], issues);
  };
}

/**
 * A value that passes one of `members` (the first that does gives the value); otherwise one issue,
 * `expected <expected>`.
 *
 * @param members - the union's members' checkers
 * @param expected - how the message names the union: `"a" | "b" | null`
 */
export function oneOf(members: readonly Check<unknown>[], expected: string): Check<unknown> {
  return (value, path, issues) => {
    for (const member of members) {
      const tried: Issue[] = [];
      const out = member(value, path, tried);
      if (tried.length === 0) return out;
    }
    return fail(issues, path, `expected ${expected}`);
  };
}
