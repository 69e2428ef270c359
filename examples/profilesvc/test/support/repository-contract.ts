// What every ProfileRepository must do, run against each implementation: the in-memory one
// (src/memory-repository.test.ts) and PostgreSQL (test/postgres.integration.test.ts).
import { background, isKitError } from "@kit/endpoint";
import { beforeEach, describe, expect, it } from "vitest";
import type { Profile } from "../../src/profile.ts";
import type { ProfileRepository } from "../../src/repository.ts";

const ctx = background();

/** The code of the error `promise` fails with, or "ok". */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    return isKitError(err) ? err.code : `not a KitError: ${String(err)}`;
  }
}

const ann: Profile = { id: "1", name: "ann", addresses: [{ id: "home", location: "Lisbon" }, { id: "work", location: "" }] };

/** Runs the contract on a fresh, empty repository from `fresh()` for each test. */
export function repositoryContract(name: string, fresh: () => Promise<ProfileRepository>): void {
  describe(`${name}: the ProfileRepository contract`, () => {
    let repo: ProfileRepository;
    beforeEach(async () => {
      repo = await fresh();
    });

    it("creates a profile and gives it back with its addresses in order", async () => {
      await repo.create(ctx, ann);
      expect(await repo.get(ctx, "1")).toEqual(ann);
    });

    it("refuses to create a profile whose id is taken, keeping the first", async () => {
      await repo.create(ctx, ann);
      expect(await outcome(repo.create(ctx, { id: "1", name: "other", addresses: [] }))).toBe("already_exists");
      expect((await repo.get(ctx, "1")).name).toBe("ann");
    });

    it("answers not_found for a profile that is not there, for every call that needs one", async () => {
      expect(await outcome(repo.get(ctx, "nope"))).toBe("not_found");
      expect(await outcome(repo.update(ctx, "nope", { name: "x" }))).toBe("not_found");
      expect(await outcome(repo.delete(ctx, "nope"))).toBe("not_found");
      expect(await outcome(repo.addAddress(ctx, "nope", { id: "a", location: "" }))).toBe("not_found");
      expect(await outcome(repo.deleteAddress(ctx, "nope", "a"))).toBe("not_found");
    });

    it("puts a profile whole, creating it or replacing its name and every address", async () => {
      await repo.put(ctx, { id: "2", name: "bob", addresses: [{ id: "x", location: "X" }] });
      await repo.put(ctx, { id: "2", name: "bobby", addresses: [{ id: "y", location: "Y" }] });
      expect(await repo.get(ctx, "2")).toEqual({ id: "2", name: "bobby", addresses: [{ id: "y", location: "Y" }] });
    });

    it("updates only the fields a patch gives", async () => {
      await repo.create(ctx, ann);
      await repo.update(ctx, "1", { name: "anna" });
      expect(await repo.get(ctx, "1")).toEqual({ ...ann, name: "anna" });
      await repo.update(ctx, "1", { addresses: [{ id: "new", location: "N" }] });
      expect(await repo.get(ctx, "1")).toEqual({ id: "1", name: "anna", addresses: [{ id: "new", location: "N" }] });
    });

    it("deletes a profile with its addresses, so its id can be used again", async () => {
      await repo.create(ctx, ann);
      await repo.delete(ctx, "1");
      expect(await outcome(repo.get(ctx, "1"))).toBe("not_found");
      await repo.create(ctx, { id: "1", name: "again", addresses: [] });
      expect(await repo.get(ctx, "1")).toEqual({ id: "1", name: "again", addresses: [] });
    });

    it("adds addresses at the end, refuses a used address id, and removes one keeping the order", async () => {
      await repo.create(ctx, ann);
      await repo.addAddress(ctx, "1", { id: "third", location: "T" });
      expect(await outcome(repo.addAddress(ctx, "1", { id: "home", location: "elsewhere" }))).toBe("already_exists");
      await repo.deleteAddress(ctx, "1", "home");
      expect(await outcome(repo.deleteAddress(ctx, "1", "home"))).toBe("not_found");
      expect((await repo.get(ctx, "1")).addresses).toEqual([{ id: "work", location: "" }, { id: "third", location: "T" }]);
    });

    it("keeps what it gave out apart from what it stores", async () => {
      await repo.create(ctx, ann);
      const got = await repo.get(ctx, "1");
      (got.addresses as { id: string; location: string }[]).push({ id: "sneaky", location: "" });
      expect((await repo.get(ctx, "1")).addresses).toHaveLength(2);
    });

    it("stores ids and text as given: quotes, slashes, unicode", async () => {
      const odd: Profile = { id: "a/b'c\"d é 😀", name: "O'Brien; DROP TABLE profiles; --", addresses: [{ id: "%2F", location: "\\n" }] };
      await repo.create(ctx, odd);
      expect(await repo.get(ctx, odd.id)).toEqual(odd);
    });
  });
}
