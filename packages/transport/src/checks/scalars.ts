import { type Check, fail } from "./check.ts";

/**
 * A string of `minLength` to `maxLength` characters that matches `pattern` when one is given.
 *
 * @param minLength - the fewest characters (0 for no limit)
 * @param maxLength - the most characters (`Infinity` for no limit)
 * @param pattern - what the string must match, or undefined
 */
export function str(minLength: number, maxLength: number, pattern: RegExp | undefined): Check<unknown> {
  return (value, path, issues) => {
    if (typeof value !== "string") return fail(issues, path, "expected a string");
    if (value.length < minLength) return fail(issues, path, `expected at least ${minLength} characters`);
    if (value.length > maxLength) return fail(issues, path, `expected at most ${maxLength} characters`);
    if (pattern !== undefined && !pattern.test(value)) return fail(issues, path, `expected to match ${String(pattern)}`);
    return value;
  };
}

/**
 * A finite number from `min` to `max`; with `int` an integer (`int32`: one of 32 bits, `int64`: a
 * safe integer).
 *
 * @param int - `""` for any number, `"int32"` or `"int64"` for an integer of that size
 * @param min - the smallest value (`-Infinity` for no limit)
 * @param max - the largest value (`Infinity` for no limit)
 */
export function num(int: "" | "int32" | "int64", min: number, max: number): Check<unknown> {
  return (value, path, issues) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return fail(issues, path, "expected a number");
    if (int !== "" && !Number.isInteger(value)) return fail(issues, path, "expected an integer");
    if (int === "int32" && (value < -2147483648 || value > 2147483647)) return fail(issues, path, "expected a 32-bit integer");
    if (int === "int64" && !Number.isSafeInteger(value)) return fail(issues, path, "expected a safe integer");
    if (value < min) return fail(issues, path, `expected at least ${min}`);
    if (value > max) return fail(issues, path, `expected at most ${max}`);
    return value;
  };
}

/** A boolean. */
export const bool: Check<unknown> = (value, path, issues) => (typeof value === "boolean" ? value : fail(issues, path, "expected a boolean"));

/** `null`. */
export const nul: Check<unknown> = (value, path, issues) => (value === null ? value : fail(issues, path, "expected null"));

/** No value (`undefined`): what a method returning `void` answers. */
export const nothing: Check<unknown> = (value, path, issues) => (value === undefined ? value : fail(issues, path, "expected no value"));

/**
 * Exactly `expected`.
 *
 * @param expected - the one value allowed
 */
export function lit(expected: string | number | boolean): Check<unknown> {
  return (value, path, issues) => (value === expected ? value : fail(issues, path, `expected ${JSON.stringify(expected)}`));
}
