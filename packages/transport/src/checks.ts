/**
 * The checkers kitgen's generated validators compose: each takes a value and its field path,
 * records issues such as `items[2].quantity: expected an integer`, and {@link schema} turns one
 * into a Standard Schema.
 *
 * @packageDocumentation
 */
export { schema, type Check, type Issue, type Path } from "./checks/check.ts";
export { bool, lit, nothing, nul, num, str } from "./checks/scalars.ts";
export { arr, obj, objFold, oneOf, rec, wrapped, type Fields } from "./checks/composites.ts";
export { goResult, goStruct, type GoFields, type GoType } from "./checks/go-json.ts";
