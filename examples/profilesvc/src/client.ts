// A profilesvc client, Go kit's MakeClientEndpoints: a ProfileService whose every method is an
// HTTP call to a profilesvc instance, Kit's or Go kit's, with Go kit's errors turned back into
// the codes the service threw.
import { Code, type Context, KitError } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";
import { client, type ErrorDecoder, type OutgoingRequest } from "@kit/transport-http";
import type { Address, Profile } from "./profile.ts";
import type { ProfileService } from "./service.ts";
import { addressFrom, addressJSON, profileFrom, profileJSON } from "./wire.ts";

/**
 * Go kit's `{"error": "…"}` bodies back into `KitError`s: 404 is `not_found`, a 400 saying
 * `already exists` is `already_exists`, another 400 `invalid_argument`, and other statuses
 * what they mean (`codeFromHttpStatus`: 503 is `unavailable`).
 */
export const decodeGoKitError: ErrorDecoder = async (_ctx, response) => {
  const body = (await response.json().catch(() => ({}))) as { error?: unknown };
  const message = typeof body.error === "string" ? body.error : `HTTP ${String(response.status)}`;
  if (response.status === 400 && message === "already exists") return new KitError(Code.AlreadyExists, message);
  return new KitError(codeFromHttpStatus(response.status), message);
};

type Call = (ctx: Context, method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** One transport-http client per HTTP method (a client's method is fixed), the path set per call. */
function caller(base: string): Call {
  const make = (method: string) =>
    client(
      method,
      base,
      (_ctx, req: { path: string; body?: unknown }, outgoing: OutgoingRequest) => {
        outgoing.url = new URL(req.path, base);
        if (req.body !== undefined) {
          outgoing.headers.set("content-type", "application/json; charset=utf-8");
          outgoing.body = JSON.stringify(req.body);
        }
      },
      async (_ctx, response) => (await response.json()) as Record<string, unknown>,
      { errorDecoder: decodeGoKitError },
    );
  const clients = new Map(["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [m, make(m)]));
  return (ctx, method, path, body) => {
    const send = clients.get(method);
    if (send === undefined) throw new TypeError(`no client for ${method}`);
    return send(ctx, body === undefined ? { path } : { path, body });
  };
}

const seg = encodeURIComponent;

/**
 * A `ProfileService` over HTTP to the profilesvc at `base`, Go kit's `MakeClientEndpoints`:
 * wrap it in `@kit/sd`'s `retry` and a balancer for several instances, as Go kit's client does.
 *
 * @example
 * ```ts
 * const svc = profileClient("http://127.0.0.1:8080");
 * await svc.getProfile(background(), "1"); // { id: "1", name: "ann", addresses: [] }
 * ```
 */
export function profileClient(base: string): ProfileService {
  const call = caller(base);
  const profile = (p: Partial<Profile>): Record<string, unknown> =>
    profileJSON({ id: p.id ?? "", name: p.name ?? "", addresses: p.addresses ?? [] });
  return {
    postProfile: async (ctx, p) => {
      await call(ctx, "POST", "/profiles/", profile(p));
    },
    getProfile: async (ctx, id) => profileFrom((await call(ctx, "GET", `/profiles/${seg(id)}`)).profile),
    putProfile: async (ctx, id, p) => {
      await call(ctx, "PUT", `/profiles/${seg(id)}`, profile(p));
    },
    patchProfile: async (ctx, id, p) => {
      await call(ctx, "PATCH", `/profiles/${seg(id)}`, profile(p));
    },
    deleteProfile: async (ctx, id) => {
      await call(ctx, "DELETE", `/profiles/${seg(id)}`);
    },
    getAddresses: async (ctx, id) => {
      const list = (await call(ctx, "GET", `/profiles/${seg(id)}/addresses/`)).addresses ?? [];
      return (list as unknown[]).map((a) => addressFrom(a));
    },
    getAddress: async (ctx, id, addressID) => addressFrom((await call(ctx, "GET", `/profiles/${seg(id)}/addresses/${seg(addressID)}`)).address),
    postAddress: async (ctx, id, a: Address) => {
      await call(ctx, "POST", `/profiles/${seg(id)}/addresses/`, addressJSON(a));
    },
    deleteAddress: async (ctx, id, addressID) => {
      await call(ctx, "DELETE", `/profiles/${seg(id)}/addresses/${seg(addressID)}`);
    },
  };
}
