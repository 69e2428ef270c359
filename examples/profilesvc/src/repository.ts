// Where profiles live. The service (service.ts) keeps Go kit's rules; a repository stores and
// makes each change atomic: memory-repository.ts (Go kit's inmemService) and
// postgres-repository.ts.
import type { Context } from "@kit/endpoint";
import type { Address, Profile } from "./profile.ts";

/** The fields a patch replaces; a field left out is kept. */
export interface ProfilePatch {
  /** The new name. */
  readonly name?: string;
  /** The new addresses, replacing all of them. */
  readonly addresses?: readonly Address[];
}

/**
 * Profile storage. Every method is atomic, and fails with `not_found` or `already_exists`
 * (`notFound()`, `alreadyExists()`) where its comment says so; a store that cannot be reached
 * fails with `unavailable`.
 */
export interface ProfileRepository {
  /** Stores a new profile; `already_exists` when its id is taken. */
  create(ctx: Context, profile: Profile): Promise<void>;
  /** The profile; `not_found` when there is none. */
  get(ctx: Context, id: string): Promise<Profile>;
  /** Stores the profile, creating it or replacing it whole. */
  put(ctx: Context, profile: Profile): Promise<void>;
  /** Changes the fields in `patch`; `not_found` when there is no such profile. */
  update(ctx: Context, id: string, patch: ProfilePatch): Promise<void>;
  /** Deletes the profile and its addresses; `not_found` when there is none. */
  delete(ctx: Context, id: string): Promise<void>;
  /** Adds an address at the end; `not_found` without the profile, `already_exists` for a used address id. */
  addAddress(ctx: Context, profileID: string, address: Address): Promise<void>;
  /** Removes an address; `not_found` without the profile or the address. */
  deleteAddress(ctx: Context, profileID: string, addressID: string): Promise<void>;
}
