import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import { schemaName } from "./validators.ts";

/** Whether a method is an event: it resolves to `void`, so nothing is answered. */
export function isEvent(m: Method): boolean {
  return m.result.kind === "void";
}

/**
 * A method's response encoder: `plain` (an `encodeJSON…` function), or, for a method with a
 * result field (`@resultField`), `plain` on an object holding the result in that field.
 */
export function responseEncoder(m: Method, plain: string): string {
  return m.resultField === undefined ? plain : `(ctx, response, out) => {\n      ${plain}(ctx, { ${m.resultField}: response }, out);\n    }`;
}

/** The private type `Requests`: each method's request object. */
export function requestsType(service: Service): string {
  const base = baseName(service.name);
  return `/** Each method's request object. */
type Requests = { readonly [M in keyof ${base}Endpoints]: Parameters<${base}Endpoints[M]>[1] };
`;
}

/** The `decoders` option of a message transport's subscribers (needs `Requests` and `DecodeMessage`). */
export function decodersOption(service: Service): string {
  return `  /**
   * A method's own request decoder in place of the generated one (JSON checked by the
   * validator): for a request the service checks itself, or a body that is not JSON. What it
   * throws fails the message as the validator's \`invalid_argument\` does.
   */
  readonly decoders?: { readonly [M in keyof ${baseName(service.name)}Endpoints]?: DecodeMessage<Requests[M]> };`;
}

/** A method's request decoder in a subscriber: the one `options.decoders` gives, or JSON checked by the method's validator. */
export function requestDecoder(m: Method): string {
  return `options.decoders?.${m.name} ?? decodeJSONMessage(${schemaName(m.name, "Request")})`;
}

/** The import of the validators a message transport needs: every request, and every response that is not an event's. */
export function schemaImports(service: Service): string {
  const file = kebab(baseName(service.name));
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), ...(isEvent(m) ? [] : [schemaName(m.name, "Response")])]);
  return importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`);
}

/** The import of the endpoint set's type. */
export function endpointsImport(service: Service): string {
  const base = baseName(service.name);
  return importFrom(`type { ${base}Endpoints }`, `./${kebab(base)}.endpoints.ts`);
}

/** What the names of one transport look like: `inventory.get-item` (`.`), `inventory-get-item` (`-`), `inventory/get-item` (`/`) or `inventory:get-item` (`:`). */
export interface NameStyle {
  /** The transport's id: `nats`, `kafka`. */
  readonly id: string;
  /** What a name is: subject, queue, topic. */
  readonly noun: string;
  /** Between the service and the method. */
  readonly separator: "." | "-" | "/" | ":";
}

/** The default name of a method's subject, queue or topic. */
export function defaultName(service: Service, m: Method, style: NameStyle): string {
  return `${kebab(baseName(service.name))}${style.separator}${kebab(m.name)}`;
}

/** `<base><Id>Names`, the exported record of default names. */
export function namesConstName(service: Service, id: string): string {
  return `${camel(baseName(service.name))}${pascal(id)}Names`;
}

/** The exported record of each method's default name. */
export function namesConst(service: Service, style: NameStyle): string {
  const base = baseName(service.name);
  return `/** The default ${style.noun} of each method: \`<service>${style.separator}<method>\`, kebab-cased. */
export const ${namesConstName(service, style.id)}: Readonly<Record<keyof ${base}Endpoints, string>> = {
${service.methods.map((m) => `  ${m.name}: ${JSON.stringify(defaultName(service, m, style))},`).join("\n")}
};
`;
}

/** The private function `<id>Name(options, method)` that applies `options.names` and `options.prefix`. */
export function nameFunction(service: Service, id: string): string {
  const defaults = `${namesConstName(service, id)}[method]`;
  return `function ${id}Name(options: ${pascal(id)}Options, method: keyof ${baseName(service.name)}Endpoints): string {
  return options.names?.[method] ?? (options.prefix === undefined ? ${defaults} : options.prefix + ${defaults}.slice(${kebab(baseName(service.name)).length}));
}
`;
}

/** The options that replace some methods' names, and the service's part of the others. */
export function namesOption(service: Service, noun: string): string {
  const base = kebab(baseName(service.name));
  return `  /** Replaces the ${noun} of some methods. */
  readonly names?: Partial<Record<keyof ${baseName(service.name)}Endpoints, string>>;
  /** The service's part of every default ${noun} \`names\` does not replace, in place of \`${base}\`, such as \`"shop"\`. */
  readonly prefix?: string;`;
}
