import type { Schema } from "../schema.ts";

/** Where a value sits in what is checked: object keys and array indexes, outermost first. */
export type Path = readonly (string | number)[];

/** One problem a check found: its message and the path of the value it is about. */
export interface Issue {
  /** What is wrong, such as `expected an integer`. */
  readonly message: string;
  /** Where: the field names and array indexes from the checked value down, such as `["items", 2, "quantity"]`. */
  readonly path: Path;
}

/**
 * A checker: takes a value and its path, appends an {@link Issue} for each problem to `issues`,
 * and gives back the value (a copy holding only the known fields for objects).
 */
export type Check<T> = (value: unknown, path: Path, issues: Issue[]) => T;

/** What a checker gives back for a value it rejected. */
export const invalid: unique symbol = Symbol("invalid");

/** Records `message` at `path` and gives back {@link invalid}. */
export function fail(issues: Issue[], path: Path, message: string): typeof invalid {
  issues.push({ message, path });
  return invalid;
}

/** Whether `value` is a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A Standard Schema (vendor `kitgen`) that runs `check` on the whole value: the value when it
 * finds no issue, otherwise every issue with its field path.
 *
 * @param check - the checker of the whole value
 */
export function schema<T>(check: Check<unknown>): Schema<T> {
  return {
    "~standard": {
      version: 1,
      vendor: "kitgen",
      validate: (value: unknown) => {
        const issues: Issue[] = [];
        const out = check(value, [], issues);
        return issues.length === 0 ? { value: out as T } : { issues };
      },
    },
  };
}
