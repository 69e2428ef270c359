import { background } from "@kit/endpoint";
import { afterEach, describe, expect, it } from "vitest";
import { outcome } from "../test/support/repository-contract.ts";
import { serve } from "../test/support/serve.ts";
import { profileClient } from "./client.ts";
import { memoryRepository } from "./memory-repository.ts";
import { type ProfileService, profileService } from "./service.ts";

const ctx = background();
const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

// The same rules, called directly and through profileClient over HTTP to a server: every code
// the service throws comes back out of the client.
describe.each([
  ["called directly", () => Promise.resolve(profileService(memoryRepository()))],
  [
    "through profileClient over HTTP",
    async (): Promise<ProfileService> => {
      const server = await serve(memoryRepository());
      servers.push(server.close);
      return profileClient(server.url);
    },
  ],
])("profileService, with Go kit's rules, %s", (_how, fresh: () => Promise<ProfileService>) => {
  it("POST creates and never overwrites", async () => {
    const svc = await fresh();
    await svc.postProfile(ctx, { id: "1", name: "ann", addresses: [] });
    expect(await outcome(svc.postProfile(ctx, { id: "1", name: "bob", addresses: [] }))).toBe("already_exists");
    expect((await svc.getProfile(ctx, "1")).name).toBe("ann");
  });

  it("PUT creates or replaces, and refuses a body whose id is not the path's", async () => {
    const svc = await fresh();
    await svc.putProfile(ctx, "1", { id: "1", name: "ann", addresses: [] });
    await svc.putProfile(ctx, "1", { id: "1", name: "anna", addresses: [] });
    expect((await svc.getProfile(ctx, "1")).name).toBe("anna");
    const err: unknown = await svc.putProfile(ctx, "1", { id: "2", name: "x", addresses: [] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "invalid_argument", message: "inconsistent IDs" });
  });

  it("PATCH updates an existing profile, treating an empty field as not given", async () => {
    const svc = await fresh();
    expect(await outcome(svc.patchProfile(ctx, "1", { name: "x" }))).toBe("not_found");
    await svc.postProfile(ctx, { id: "1", name: "ann", addresses: [{ id: "a", location: "A" }] });
    await svc.patchProfile(ctx, "1", { id: "", name: "", addresses: [] });
    expect(await svc.getProfile(ctx, "1")).toEqual({ id: "1", name: "ann", addresses: [{ id: "a", location: "A" }] });
    await svc.patchProfile(ctx, "1", { name: "anna" });
    expect((await svc.getProfile(ctx, "1")).name).toBe("anna");
    expect(await outcome(svc.patchProfile(ctx, "1", { id: "2" }))).toBe("invalid_argument");
  });

  it("finds an address by id, and answers not_found for one that is not there", async () => {
    const svc = await fresh();
    await svc.postProfile(ctx, { id: "1", name: "", addresses: [{ id: "a", location: "A" }] });
    expect(await svc.getAddress(ctx, "1", "a")).toEqual({ id: "a", location: "A" });
    expect(await outcome(svc.getAddress(ctx, "1", "b"))).toBe("not_found");
    expect(await svc.getAddresses(ctx, "1")).toEqual([{ id: "a", location: "A" }]);
  });

  it("refuses a profile or address without an id, which Go kit would store where no URL reaches", async () => {
    const svc = await fresh();
    expect(await outcome(svc.postProfile(ctx, { id: "", name: "x", addresses: [] }))).toBe("invalid_argument");
    await svc.postProfile(ctx, { id: "1", name: "", addresses: [] });
    expect(await outcome(svc.postAddress(ctx, "1", { id: "", location: "x" }))).toBe("invalid_argument");
  });
});
