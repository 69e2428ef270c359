// One endpoint per method, Go kit's MakeServerEndpoints, with Go kit's response bodies. A
// service error is thrown (Kit's way), and the HTTP error encoder writes it as Go kit's
// encodeError does.
import type { Endpoint } from "@kit/endpoint";
import type { Address, Profile } from "./profile.ts";
import type { ProfileService } from "./service.ts";
import { addressJSON, profileJSON } from "./wire.ts";

/** A profile's id from the path. */
export interface ProfileIDRequest {
  /** The `{id}` of the path. */
  readonly id: string;
}

/** A profile's id and one of its address ids, from the path. */
export interface AddressIDRequest extends ProfileIDRequest {
  /** The `{addressID}` of the path. */
  readonly addressID: string;
}

/** A JSON body as Go kit answers: `{}`, `{"profile": …}`, `{"addresses": […]}`, `{"address": …}`. */
export type Answer = Readonly<Record<string, unknown>>;

/** The nine endpoints, Go kit's `profilesvc.Endpoints`. */
export interface Endpoints {
  /** `POST /profiles/` */
  readonly postProfile: Endpoint<{ readonly profile: Profile }, Answer>;
  /** `GET /profiles/{id}` */
  readonly getProfile: Endpoint<ProfileIDRequest, Answer>;
  /** `PUT /profiles/{id}` */
  readonly putProfile: Endpoint<ProfileIDRequest & { readonly profile: Profile }, Answer>;
  /** `PATCH /profiles/{id}` */
  readonly patchProfile: Endpoint<ProfileIDRequest & { readonly profile: Profile }, Answer>;
  /** `DELETE /profiles/{id}` */
  readonly deleteProfile: Endpoint<ProfileIDRequest, Answer>;
  /** `GET /profiles/{id}/addresses/` */
  readonly getAddresses: Endpoint<ProfileIDRequest, Answer>;
  /** `GET /profiles/{id}/addresses/{addressID}` */
  readonly getAddress: Endpoint<AddressIDRequest, Answer>;
  /** `POST /profiles/{id}/addresses/` */
  readonly postAddress: Endpoint<ProfileIDRequest & { readonly address: Address }, Answer>;
  /** `DELETE /profiles/{id}/addresses/{addressID}` */
  readonly deleteAddress: Endpoint<AddressIDRequest, Answer>;
}

/**
 * The endpoints of `svc`, Go kit's `MakeServerEndpoints`.
 *
 * @example
 * ```ts
 * const e = makeEndpoints(profileService(memoryRepository()));
 * await e.getProfile(background(), { id: "1" }); // { profile: { id: "1", name: "ann" } }
 * ```
 */
export function makeEndpoints(svc: ProfileService): Endpoints {
  const none: Answer = {};
  return {
    postProfile: async (ctx, r) => (await svc.postProfile(ctx, r.profile), none),
    getProfile: async (ctx, r) => ({ profile: profileJSON(await svc.getProfile(ctx, r.id)) }),
    putProfile: async (ctx, r) => (await svc.putProfile(ctx, r.id, r.profile), none),
    patchProfile: async (ctx, r) => (await svc.patchProfile(ctx, r.id, r.profile), none),
    deleteProfile: async (ctx, r) => (await svc.deleteProfile(ctx, r.id), none),
    getAddresses: async (ctx, r) => {
      const list = await svc.getAddresses(ctx, r.id);
      return list.length === 0 ? none : { addresses: list.map(addressJSON) };
    },
    getAddress: async (ctx, r) => ({ address: addressJSON(await svc.getAddress(ctx, r.id, r.addressID)) }),
    postAddress: async (ctx, r) => (await svc.postAddress(ctx, r.id, r.address), none),
    deleteAddress: async (ctx, r) => (await svc.deleteAddress(ctx, r.id, r.addressID), none),
  };
}
