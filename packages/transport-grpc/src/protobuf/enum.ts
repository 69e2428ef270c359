/**
 * The string literal an enum number stands for. kitgen numbers a string-literal union's
 * members from 1 in declaration order (0 is protobuf's unspecified value); a number the
 * list does not have (0, or a member added by a newer peer) is returned as the number, so the
 * validator after the codec can refuse it by name.
 *
 * @param values - the enum's literals, in number order from 1
 * @param n - the number read from the wire
 *
 * @example
 * ```ts
 * enumValue(["red", "green"], 2); // "green"
 * enumValue(["red", "green"], 7); // 7
 * ```
 */
export function enumValue(values: readonly string[], n: number): unknown {
  return values[n - 1] ?? n;
}

/**
 * The number of a string literal in an enum: its position in `values`, from 1; 0 (protobuf's
 * unspecified value) for anything that is not one of them.
 *
 * @param values - the enum's literals, in number order from 1
 * @param value - the value to write
 *
 * @example
 * ```ts
 * enumNumber(["red", "green"], "green"); // 2
 * ```
 */
export function enumNumber(values: readonly string[], value: unknown): number {
  return values.indexOf(value as string) + 1;
}
