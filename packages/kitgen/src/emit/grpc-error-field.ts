import type { Method, Service } from "../model.ts";
import { messageNames } from "../proto-model.ts";

/**
 * Whether a method's reply carries a `KitError` in the service's `@errorField`: a unary method
 * of a service with the tag.
 *
 * @param service - the service
 * @param m - one of its methods
 */
export function carriesErrors(service: Service, m: Method): boolean {
  return service.errorField !== undefined && m.stream === undefined;
}

/**
 * The helpers of a `<base>.grpc.ts` whose service has an `@errorField`: the endpoint wrapper
 * that answers a thrown `KitError`, and the client's check that throws it again.
 *
 * @param field - the `@errorField`
 */
export function errorFieldHelpers(field: string): string {
  return `
/** What a method whose reply carries errors answers: the endpoint's response, or the \`KitError\` it threw. */
type Answer<Res> = { readonly response: Res } | { readonly error: KitError };

/** The endpoint, with a \`KitError\` it throws returned as the answer (for the reply's \`${field}\`); anything else is thrown on. */
function answerErrors<Req, Res>(endpoint: Endpoint<Req, Res>): Endpoint<Req, Answer<Res>> {
  return async (ctx, request) => {
    try {
      return { response: await endpoint(ctx, request) };
    } catch (err) {
      if (isKitError(err)) return { error: err };
      throw err;
    }
  };
}

const noBytes = new Uint8Array(0);

/** Throws the error a reply carries in \`${field}\` (non-empty), as a \`KitError\` with the code \`errorCode\` gives its message. */
function throwCarried(message: Obj, errorCode: (message: string) => Code): void {
  const text = message.${field};
  if (typeof text === "string" && text !== "") throw new KitError(errorCode(text), text);
}
`;
}

/**
 * The server's encoder of a method whose reply carries errors: the reply `ok` writes for a
 * response with an empty error field, or the zero reply with the error's message in it.
 *
 * @param field - the `@errorField`
 * @param m - the method
 * @param fields - the fields of the reply for `answer.response` (none for an event)
 */
export function encodeAnswer(field: string, m: Method, fields: string): string {
  const zero = `decode${messageNames(m).response}(noBytes)`;
  const ok = fields === "" ? `{ ${field}: "" }` : `{ ${fields}, ${field}: "" }`;
  return `(_ctx, answer) => ("error" in answer ? { ...${zero}, ${field}: answer.error.message } : ${ok})`;
}

/** The declaration of `grpcTransport`'s options for a service with an `@errorField`. */
export function transportOptions(field: string): string {
  return `
/** Options for {@link grpcTransport}: the client options of every method, and the code of an error a reply carries. */
export interface GrpcTransportOptions extends ClientOptions {
  /** The code of the \`KitError\` thrown for a reply's non-empty \`${field}\`, from its message; default \`unknown\`. */
  readonly errorCode?: (message: string) => Code;
}
`;
}
