// The data and the errors of profilesvc, Go kit's Profile, Address and its three errors.
import { Code, KitError } from "@kit/endpoint";

/** An address of a profile; its `id` is unique within the profile. Go kit's `Address`. */
export interface Address {
  /** The address's id, unique within its profile. */
  readonly id: string;
  /** Where it is; `""` when unknown (left out of the JSON, as Go's `omitempty`). */
  readonly location: string;
}

/** A user profile; its `id` is globally unique. Go kit's `Profile`. */
export interface Profile {
  /** The profile's id. */
  readonly id: string;
  /** The name; `""` when unknown. */
  readonly name: string;
  /** The addresses, in the order they were added. */
  readonly addresses: readonly Address[];
}

/** Go kit's `ErrNotFound`: no such profile or address (HTTP 404). */
export function notFound(): KitError {
  return new KitError(Code.NotFound, "not found");
}

/** Go kit's `ErrAlreadyExists`: a profile or address with that id exists (HTTP 400, as Go kit). */
export function alreadyExists(): KitError {
  return new KitError(Code.AlreadyExists, "already exists");
}

/** Go kit's `ErrInconsistentIDs`: the id in the path and the one in the body differ (HTTP 400). */
export function inconsistentIDs(): KitError {
  return new KitError(Code.InvalidArgument, "inconsistent IDs");
}
