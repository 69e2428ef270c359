// A PostgreSQL schema of its own per test file, dropped afterwards, on the server the project's
// machines run on 127.0.0.1:5432 (trust auth, database test), or PG_URL.
import { randomUUID } from "node:crypto";
import pg from "pg";

/** Where the tests find PostgreSQL. */
export const pgUrl = process.env.PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A pool, and a fresh schema name, such as `profilesvc_test_1a2b3c4d`. */
export async function testDatabase(): Promise<{ pool: pg.Pool; schema: () => string; drop: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: pgUrl, max: 20 });
  await pool.query("SELECT 1").catch((err: unknown) => {
    throw new Error(`PostgreSQL is needed on ${pgUrl} (trust auth, database test): ${String(err)}`);
  });
  const made: string[] = [];
  return {
    pool,
    schema: () => {
      const name = `profilesvc_test_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
      made.push(name);
      return name;
    },
    drop: async () => {
      for (const name of made) await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await pool.end();
    },
  };
}
