// The PostgreSQL repository against the real server: the repository contract, concurrent
// writers, and a server that cannot be reached.
import { background } from "@kit/endpoint";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresRepository } from "../src/postgres-repository.ts";
import { freePort } from "@kit/test-support";
import { testDatabase } from "./support/postgres.ts";
import { outcome, repositoryContract } from "./support/repository-contract.ts";

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.drop());

repositoryContract("postgresRepository", async () => {
  const repo = postgresRepository(db.pool, db.schema());
  await repo.migrate();
  return repo;
});

describe("postgresRepository under concurrent writers", () => {
  it("lets exactly one of 20 concurrent POSTs of an id win; the others are already_exists", async () => {
    const repo = postgresRepository(db.pool, db.schema());
    await repo.migrate();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => outcome(repo.create(background(), { id: "same", name: `writer ${String(i)}`, addresses: [] }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "already_exists")).toHaveLength(19);
  });

  it("keeps each of 20 concurrent address additions exactly once, refusing the duplicates", async () => {
    const repo = postgresRepository(db.pool, db.schema());
    await repo.migrate();
    await repo.create(background(), { id: "p", name: "", addresses: [] });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => outcome(repo.addAddress(background(), "p", { id: `a${String(i % 10)}`, location: "" }))),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.filter((r) => r === "already_exists")).toHaveLength(10);
    expect(new Set((await repo.get(background(), "p")).addresses.map((a) => a.id)).size).toBe(10);
  });

  it("creates its tables once, however many times migrate runs", async () => {
    const repo = postgresRepository(db.pool, db.schema());
    await Promise.all([repo.migrate(), repo.migrate()].map((p) => p.catch(() => undefined)));
    await repo.migrate();
    await repo.create(background(), { id: "1", name: "", addresses: [] });
    expect((await repo.get(background(), "1")).id).toBe("1");
  });
});

describe("postgresRepository without a server", () => {
  it("fails each call with unavailable, not internal, and without hanging", async () => {
    const pool = new pg.Pool({ host: "127.0.0.1", port: await freePort(), database: "test", connectionTimeoutMillis: 2_000 });
    try {
      const repo = postgresRepository(pool, "profilesvc_nowhere");
      expect(await outcome(repo.get(background(), "1"))).toBe("unavailable");
      expect(await outcome(repo.create(background(), { id: "1", name: "", addresses: [] }))).toBe("unavailable");
    } finally {
      await pool.end();
    }
  });

  it("refuses a schema name it would have to quote", () => {
    expect(() => postgresRepository(db.pool, "x; DROP SCHEMA public")).toThrow(TypeError);
  });
});
