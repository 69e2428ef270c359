/** A `string`, with the bounds its JSDoc tags give. */
export interface StringType {
  /** The kind. */
  readonly kind: "string";
  /** `@minLength`. */
  readonly minLength?: number;
  /** `@maxLength`. */
  readonly maxLength?: number;
  /** `@pattern`, as a regular expression's source (Unicode mode). */
  readonly pattern?: string;
}

/** A `number`, with the integer kind and bounds its JSDoc tags give. */
export interface NumberType {
  /** The kind. */
  readonly kind: "number";
  /** `@int32` or `@int64` (a safe integer). */
  readonly int?: "int32" | "int64";
  /** `@min`, inclusive. */
  readonly min?: number;
  /** `@max`, inclusive. */
  readonly max?: number;
}

/** A type with no parameters: `boolean`, `null`, or `void` (a method's result only). */
export interface PlainType {
  /** The kind. */
  readonly kind: "boolean" | "null" | "void";
}

/** A literal: `"north"`, `42`, `true`. */
export interface LiteralType {
  /** The kind. */
  readonly kind: "literal";
  /** The literal's value. */
  readonly value: string | number | boolean;
}

/** An array, `T[]`. */
export interface ArrayType {
  /** The kind. */
  readonly kind: "array";
  /** The element type. */
  readonly element: WireType;
}

/** An object with any string keys, `Record<string, T>`. */
export interface RecordType {
  /** The kind. */
  readonly kind: "record";
  /** The values' type. */
  readonly value: WireType;
}

/** An object with known properties. */
export interface ObjectType {
  /** The kind. */
  readonly kind: "object";
  /** Its properties, in declaration order. */
  readonly fields: readonly Field[];
  /** The interface's or type alias's name, when it has one (an inline object type has none). */
  readonly name?: string;
}

/** A union, `A | B`. */
export interface UnionType {
  /** The kind. */
  readonly kind: "union";
  /** Its members, in order. */
  readonly members: readonly WireType[];
}

/** A reference to a named `@recursive` type. */
export interface RefType {
  /** The kind. */
  readonly kind: "ref";
  /** The type's name, a key of {@link Service.named}. */
  readonly name: string;
}

/** A wire type kitgen understands: what a field, argument or result can be. */
export type WireType = StringType | NumberType | PlainType | LiteralType | ArrayType | RecordType | ObjectType | UnionType | RefType;

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
  /**
   * How the method streams (gRPC only): `server` returns an `AsyncIterable` (its `result` is the
   * element type), `client` takes one (its one argument's type is the element type), `bidi` both.
   * Absent for a unary method.
   */
  readonly stream?: "server" | "client" | "bidi";
  /**
   * From a `@resultField name` tag (on the method or the interface): the field that holds a
   * result that is not an object, on every wire (`{"v": 3}` in JSON, field `v` in protobuf).
   * Absent for an object or `void` result, or without the tag: JSON carries the bare value and
   * protobuf a field `value`.
   */
  readonly resultField?: string;
}

/** A service interface, resolved. */
export interface Service {
  /** The interface's name, such as `InventoryService`. */
  readonly name: string;
  /** The interface's methods, in declaration order. */
  readonly methods: readonly Method[];
  /** Named types that refer to themselves (opted in with `@recursive`), by name. */
  readonly named: ReadonlyMap<string, WireType>;
  /**
   * From `@jsonCaseInsensitive` on the interface: JSON keys match fields whatever their case,
   * as Go's `encoding/json` does (`{"A": 1}` fills `a`; of several matching keys the last wins).
   */
  readonly ignoreKeyCase?: true;
  /** From `@protoPackage name` on the interface: the protobuf package (default: the kebab base name with `_`). */
  readonly protoPackage?: string;
  /** From `@protoService Name` on the interface: the protobuf service (default: the interface's name). */
  readonly protoService?: string;
  /**
   * From `@errorField name` on the interface: every unary gRPC reply has a string field `name`
   * after the result's; the server answers a `KitError` the endpoint throws with status OK, the
   * result's zero value and the error's message in that field (Go kit's `err2str`), and the
   * client throws a non-empty one as a `KitError` (Go kit's `str2err`).
   */
  readonly errorField?: string;
  /**
   * From `@jsonErrorField name` on the interface: the generated HTTP server's error body is
   * `{"<name>": message, "code": …, "message": …}` (Go kit addsvc's `errorWrapper` and Kit's
   * body), and its client reads a body with only `name` as an error with that message.
   */
  readonly jsonErrorField?: string;
  /**
   * From `@goJSON package` on the interface: a unary method's request decodes from JSON as
   * Go's `encoding/json` fills `package.<Method>Request` (keys in any case, a missing or `null`
   * field its zero value, Go's `cannot unmarshal` messages). Its arguments are strings,
   * numbers and booleans.
   */
  readonly goJSON?: string;
}
