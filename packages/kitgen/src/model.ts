/** A wire type kitgen understands: what a field, argument or result can be. */
export type WireType =
  | { readonly kind: "string"; readonly minLength?: number; readonly maxLength?: number; readonly pattern?: string }
  | { readonly kind: "number"; readonly int?: "int32" | "int64"; readonly min?: number; readonly max?: number }
  | { readonly kind: "boolean" }
  | { readonly kind: "null" }
  | { readonly kind: "void" }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "array"; readonly element: WireType }
  | { readonly kind: "record"; readonly value: WireType }
  | { readonly kind: "object"; readonly fields: readonly Field[] }
  | { readonly kind: "union"; readonly members: readonly WireType[] }
  | { readonly kind: "ref"; readonly name: string };

/** One property of an object type, or one argument of a method. */
export interface Field {
  /** The property's (or argument's) name. */
  readonly name: string;
  /** Whether it may be left out. */
  readonly optional: boolean;
  /** Its type. */
  readonly type: WireType;
}

/** A REST mapping from an `@http METHOD /path/{param}` tag. */
export interface HttpRoute {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path, with `{name}` for path parameters. */
  readonly path: string;
}

/** One method of the service. */
export interface Method {
  /** The method's name, as in the interface. */
  readonly name: string;
  /** Its arguments after the context, in order; they make the request object. */
  readonly args: readonly Field[];
  /** What the promise resolves to; `void` makes the method an event. */
  readonly result: WireType;
  /** The route from an `@http` tag; `POST /<kebab-name>` without one. */
  readonly http: HttpRoute;
}

/** A service interface, resolved. */
export interface Service {
  /** The interface's name, such as `InventoryService`. */
  readonly name: string;
  /** The interface's methods, in declaration order. */
  readonly methods: readonly Method[];
  /** Named types that refer to themselves (opted in with `@recursive`), by name. */
  readonly named: ReadonlyMap<string, WireType>;
}
