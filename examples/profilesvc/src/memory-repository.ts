// Go kit's inmemService storage: a map of profiles. One event loop, so each method is atomic.
import type { Address, Profile } from "./profile.ts";
import { alreadyExists, notFound } from "./profile.ts";
import type { ProfilePatch, ProfileRepository } from "./repository.ts";

/**
 * A repository in memory, Go kit's `inmemService`: what it returns are copies, so a caller
 * cannot change what is stored.
 *
 * @example
 * ```ts
 * const svc = profileService(memoryRepository());
 * ```
 */
export function memoryRepository(): ProfileRepository {
  const profiles = new Map<string, Profile>();
  const copy = (p: Profile): Profile => ({ id: p.id, name: p.name, addresses: p.addresses.map((a) => ({ ...a })) });
  const existing = (id: string): Profile => {
    const profile = profiles.get(id);
    if (profile === undefined) throw notFound();
    return profile;
  };
  const withAddresses = (p: Profile, addresses: readonly Address[]): Profile => ({ ...p, addresses });
  // The work is synchronous; a throw becomes a rejected promise, as from a real store.
  const run = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };

  return {
    create(_ctx, profile) {
      if (profiles.has(profile.id)) return Promise.reject(alreadyExists());
      profiles.set(profile.id, copy(profile));
      return Promise.resolve();
    },
    get: (_ctx, id) => run(() => copy(existing(id))),
    put(_ctx, profile) {
      profiles.set(profile.id, copy(profile));
      return Promise.resolve();
    },
    update: (_ctx, id, patch: ProfilePatch) =>
      run(() => {
        const profile = existing(id);
        profiles.set(id, copy({ id, name: patch.name ?? profile.name, addresses: patch.addresses ?? profile.addresses }));
      }),
    delete: (_ctx, id) =>
      run(() => {
        existing(id);
        profiles.delete(id);
      }),
    addAddress: (_ctx, profileID, address) =>
      run(() => {
        const profile = existing(profileID);
        if (profile.addresses.some((a) => a.id === address.id)) throw alreadyExists();
        profiles.set(profileID, withAddresses(profile, [...profile.addresses, { ...address }]));
      }),
    deleteAddress: (_ctx, profileID, addressID) =>
      run(() => {
        const profile = existing(profileID);
        const kept = profile.addresses.filter((a) => a.id !== addressID);
        if (kept.length === profile.addresses.length) throw notFound();
        profiles.set(profileID, withAddresses(profile, kept));
      }),
  };
}
