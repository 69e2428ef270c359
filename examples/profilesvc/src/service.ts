// The business logic, Go kit's profilesvc Service: Go kit's rules for POST, PUT and PATCH on
// top of a repository.
import { Code, type Context, KitError } from "@kit/endpoint";
import { type Address, inconsistentIDs, notFound, type Profile } from "./profile.ts";
import type { ProfileRepository } from "./repository.ts";

/** A CRUD service for profiles and their addresses, Go kit's `profilesvc.Service`. */
export interface ProfileService {
  /** Creates a profile; never overwrites one (`already_exists`). */
  postProfile(ctx: Context, profile: Profile): Promise<void>;
  /** The profile (`not_found` when there is none). */
  getProfile(ctx: Context, id: string): Promise<Profile>;
  /** Creates or replaces a profile; the body's id must be the path's (`inconsistent IDs`). */
  putProfile(ctx: Context, id: string, profile: Profile): Promise<void>;
  /** Changes the name and addresses given (an empty one is left as it is) of an existing profile. */
  patchProfile(ctx: Context, id: string, profile: Partial<Profile>): Promise<void>;
  /** Deletes a profile. */
  deleteProfile(ctx: Context, id: string): Promise<void>;
  /** The profile's addresses. */
  getAddresses(ctx: Context, profileID: string): Promise<readonly Address[]>;
  /** One of the profile's addresses. */
  getAddress(ctx: Context, profileID: string, addressID: string): Promise<Address>;
  /** Adds an address; never overwrites one (`already_exists`). */
  postAddress(ctx: Context, profileID: string, address: Address): Promise<void>;
  /** Removes an address. */
  deleteAddress(ctx: Context, profileID: string, addressID: string): Promise<void>;
}

/** An id that is missing from a body: Go kit stores it under "", which no URL can reach. */
function emptyID(what: string): KitError {
  return new KitError(Code.InvalidArgument, `${what}.id: must not be empty`);
}

/**
 * The service on a repository, with Go kit's rules: POST creates and never overwrites, PUT
 * creates or replaces and needs the body's id to match the path's, PATCH updates an existing
 * profile, treating an empty name or address list as "not given" (Go kit's own simplification).
 * Unlike Go kit, a POSTed profile or address must have an id: Go kit would store it under "",
 * where no URL reaches it.
 *
 * @example
 * ```ts
 * const svc = profileService(memoryRepository());
 * await svc.postProfile(background(), { id: "1", name: "ann", addresses: [] });
 * ```
 */
export function profileService(repo: ProfileRepository): ProfileService {
  return {
    async postProfile(ctx, profile) {
      if (profile.id === "") throw emptyID("profile");
      await repo.create(ctx, profile);
    },
    getProfile: (ctx, id) => repo.get(ctx, id),
    async putProfile(ctx, id, profile) {
      if (id !== profile.id) throw inconsistentIDs();
      await repo.put(ctx, profile);
    },
    async patchProfile(ctx, id, profile) {
      if (profile.id !== undefined && profile.id !== "" && profile.id !== id) throw inconsistentIDs();
      const patch: { name?: string; addresses?: readonly Address[] } = {};
      if (profile.name !== undefined && profile.name !== "") patch.name = profile.name;
      if (profile.addresses !== undefined && profile.addresses.length > 0) patch.addresses = profile.addresses;
      await repo.update(ctx, id, patch);
    },
    deleteProfile: (ctx, id) => repo.delete(ctx, id),
    getAddresses: async (ctx, profileID) => (await repo.get(ctx, profileID)).addresses,
    async getAddress(ctx, profileID, addressID) {
      const address = (await repo.get(ctx, profileID)).addresses.find((a) => a.id === addressID);
      if (address === undefined) throw notFound();
      return address;
    },
    async postAddress(ctx, profileID, address) {
      if (address.id === "") throw emptyID("address");
      await repo.addAddress(ctx, profileID, address);
    },
    deleteAddress: (ctx, profileID, addressID) => repo.deleteAddress(ctx, profileID, addressID),
  };
}
