/**
 * The code of a `<base>.http.ts` whose service has a `@jsonErrorField`: the error body (the
 * message under that field too, then Kit's `code` and `message`), the server's error encoder
 * that writes it, and the client's error decoder that reads a body with only that field, as
 * Go kit addsvc's `errorWrapper` is.
 *
 * @param field - the `@jsonErrorField`
 */
export function errorFieldHelpers(field: string): string {
  return `/** The JSON body of an error: its message under \`${field}\` too (Go kit's clients read it), then Kit's \`code\` and \`message\`. */
export function errorBody(err: KitError): { readonly ${field}: string; readonly code: Code; readonly message: string } {
  return { ${field}: err.message, code: err.code, message: err.message };
}

/** \`httpHandler\`'s error encoder: the status \`errorStatus\` gives the error, and {@link errorBody}. */
export function encodeErrorBody(_ctx: Context, err: KitError, res: ServerResponse): void {
  const body = JSON.stringify(errorBody(err));
  res.statusCode = errorStatus(err);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * \`httpTransport\`'s error decoder: a body with a string \`${field}\` and no Kit \`code\` is an
 * error with that message, the code \`errorCode\` gives it or else the status's; any other body
 * is \`decodeError\`'s.
 */
function decodeErrorBody(errorCode: (message: string) => Code | undefined): ErrorDecoder {
  return async (ctx, response) => {
    // The client gives an error decoder at most 64 KiB of body, so a copy of it costs little.
    const value: unknown = await response.clone().json().catch(() => undefined);
    const body = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Partial<Record<string, unknown>>) : {};
    const message = body.${field};
    if ((isCode(body.code) && typeof body.message === "string") || typeof message !== "string") return decodeError(ctx, response);
    return new KitError(errorCode(message) ?? codeFromHttpStatus(response.status), message, { details: { status: response.status } });
  };
}`;
}
