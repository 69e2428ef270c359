// The HTTP transport, Go kit's MakeHTTPHandler: nine routes, JSON bodies, and errors as
// {"error": "…"} with Go kit's statuses.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { logErrorHandler } from "@kit/transport";
import { errorStatus, pathValue, readBody, router, server, type Handler } from "@kit/transport-http";
import type { Endpoints } from "./endpoints.ts";
import { addressFrom, goJSON, jsonBody, profileFrom } from "./wire.ts";

function write(res: ServerResponse, status: number, value: unknown): void {
  const body = goJSON(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Go kit's `encodeError`: `{"error": "<message>"}` with Go kit's `codeFrom` statuses: 404 for
 * `not found`, 400 for `already exists` and `inconsistent IDs` (and any bad request), and
 * otherwise the status of the error's code (503 for a database that cannot be reached).
 */
export function encodeError(_ctx: Context, err: KitError, res: ServerResponse): void {
  write(res, err.code === Code.AlreadyExists ? 400 : errorStatus(err), { error: err.message });
}

/** Writes the answer as Go kit's `encodeResponse`: 200 and JSON with a newline. */
function encodeResponse(_ctx: Context, answer: unknown, res: ServerResponse): void {
  write(res, 200, answer);
}

const id = (req: IncomingMessage): { id: string } => ({ id: pathValue(req, "id") ?? "" });
const ids = (req: IncomingMessage): { id: string; addressID: string } => ({ ...id(req), addressID: pathValue(req, "addressID") ?? "" });
const withBody =
  <T>(read: (value: unknown) => T) =>
  async (req: IncomingMessage): Promise<T> =>
    read(jsonBody(await readBody(req)));

/**
 * The handler for every route of Go kit's profilesvc:
 *
 * ```
 * POST    /profiles/                          adds another profile
 * GET     /profiles/{id}                      retrieves the given profile by id
 * PUT     /profiles/{id}                      post updated profile information about the profile
 * PATCH   /profiles/{id}                      partial updated profile information
 * DELETE  /profiles/{id}                      remove the given profile
 * GET     /profiles/{id}/addresses/           retrieve addresses associated with the profile
 * GET     /profiles/{id}/addresses/{addressID} retrieve a particular profile address
 * POST    /profiles/{id}/addresses/           add a new address
 * DELETE  /profiles/{id}/addresses/{addressID} remove an address
 * ```
 *
 * Another path is a 404, another method on a known path a 405, both with `{"error": …}`.
 *
 * @example
 * ```ts
 * http.createServer(makeHTTPHandler(makeEndpoints(svc), logger)).listen(8080);
 * ```
 */
export function makeHTTPHandler(e: Endpoints, logger: Logger): Handler {
  const options = { errorEncoder: encodeError, errorHandler: logErrorHandler(logger) };
  const serve = <Req>(endpoint: Endpoint<Req, unknown>, decode: (req: IncomingMessage) => Req | Promise<Req>): Handler =>
    server(endpoint, ((_ctx, req) => decode(req)), encodeResponse, options);
  const profileBody = withBody(profileFrom);
  const addressBody = withBody((v) => addressFrom(v));
  return router(
    {
      "POST /profiles/": serve(e.postProfile, async (req) => ({ profile: await profileBody(req) })),
      "GET /profiles/{id}": serve(e.getProfile, id),
      "PUT /profiles/{id}": serve(e.putProfile, async (req) => ({ ...id(req), profile: await profileBody(req) })),
      "PATCH /profiles/{id}": serve(e.patchProfile, async (req) => ({ ...id(req), profile: await profileBody(req) })),
      "DELETE /profiles/{id}": serve(e.deleteProfile, id),
      "GET /profiles/{id}/addresses/": serve(e.getAddresses, id),
      "GET /profiles/{id}/addresses/{addressID}": serve(e.getAddress, ids),
      "POST /profiles/{id}/addresses/": serve(e.postAddress, async (req) => ({ ...id(req), address: await addressBody(req) })),
      "DELETE /profiles/{id}/addresses/{addressID}": serve(e.deleteAddress, ids),
    },
    {
      notFound: (req, res) => {
        write(res, 404, { error: `no route for ${req.method ?? "?"} ${(req.url ?? "/").split("?")[0] ?? "/"}` });
      },
      methodNotAllowed: (req, res) => {
        write(res, 405, { error: `method ${req.method ?? "?"} not allowed` });
      },
    },
  );
}

