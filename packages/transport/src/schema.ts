import { Code, KitError } from "@kit/endpoint";
import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Any {@link https://standardschema.dev | Standard Schema} validator whose output is `T`: a
 * zod, valibot or arktype schema, among others.
 */
export type Schema<T = unknown> = StandardSchemaV1<unknown, T>;

/** How many issues the error message lists; `details.issues` always has them all. */
const listed = 5;

/**
 * Validates a decoded value with a {@link Schema} and returns the schema's typed output. When
 * the value does not fit, throws a {@link KitError} with code
 * `invalid_argument`, a message listing each issue as `path: message` (for example
 * `a: Invalid input: expected number, received string`) and the issues in
 * `details.issues` as `{ path, message }`. Works with synchronous and asynchronous schemas.
 *
 * @param schema - any Standard Schema validator
 * @param value - the value to check, typically just decoded from JSON
 *
 * @example
 * ```ts
 * const SumRequest = z.object({ a: z.number(), b: z.number() });
 * const req = await validate(SumRequest, jsonCodec.decode(bytes)); // { a: number; b: number }
 * ```
 */
export async function validate<T>(schema: Schema<T>, value: unknown): Promise<T> {
  const result = await schema["~standard"].validate(value);
  if (result.issues === undefined) return result.value;
  // Array.from, not .map: some libraries' paths are Array subclasses that would come along.
  const issues = Array.from(result.issues, (issue) => ({
    path: Array.from(issue.path ?? [], (segment) => key(typeof segment === "object" ? segment.key : segment)),
    message: issue.message,
  }));
  const shown = issues.slice(0, listed).map(({ path, message }) => (path.length === 0 ? message : `${join(path)}: ${message}`));
  if (issues.length > listed) shown.push(`and ${issues.length - listed} more`);
  throw new KitError(Code.InvalidArgument, shown.join("; "), { details: { issues } });
}

function key(segment: PropertyKey): string | number {
  return typeof segment === "symbol" ? String(segment) : segment;
}

function join(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === "number") return `${out}[${segment}]`;
    return out === "" ? segment : `${out}.${segment}`;
  }, "");
}
