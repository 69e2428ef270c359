// Profiles in PostgreSQL, on node-postgres (pg). Two tables in a schema of their own; every
// change is one transaction, so concurrent calls keep Go kit's rules (one of two POSTs of the
// same id wins, the other is already_exists).
import { Code, KitError } from "@kit/endpoint";
import type { Pool, PoolClient } from "pg";
import { type Address, alreadyExists, notFound, type Profile } from "./profile.ts";
import type { ProfileRepository } from "./repository.ts";

/** A schema name PostgreSQL takes unquoted: letters, digits and `_`, not starting with a digit. */
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

/** pg error codes of a server that cannot take the call now (connection, shutdown, too many clients). */
const unreachable = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "57P01", "57P03", "53300", "08006", "08001"]);

function storeError(err: unknown): KitError {
  if (err instanceof KitError) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === "string" && unreachable.has(code)) return new KitError(Code.Unavailable, `postgres unavailable: ${message}`, { cause: err });
  if (err instanceof Error && /connect|terminat|timeout/i.test(message)) return new KitError(Code.Unavailable, `postgres unavailable: ${message}`, { cause: err });
  return new KitError(Code.Internal, "postgres query failed", { cause: err });
}

/** What {@link postgresRepository} returns: the repository, and `migrate()` to create its tables. */
export interface PostgresRepository extends ProfileRepository {
  /** Creates the schema and its tables if they are missing. */
  migrate(): Promise<void>;
}

/** Runs `work` in one transaction on a client of `pool`; a failure rolls back and becomes a KitError. */
async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw storeError(err);
  }
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw storeError(err);
  } finally {
    client.release();
  }
}

/** Locks the profile's row in `profiles` for the transaction; `not_found` when there is none. */
async function lock(client: PoolClient, profiles: string, id: string): Promise<void> {
  const { rowCount } = await client.query(`SELECT 1 FROM ${profiles} WHERE id = $1 FOR UPDATE`, [id]);
  if (rowCount === 0) throw notFound();
}

/** Adds `list` to the profile's addresses in `addresses`, in order. */
async function insertAddresses(client: PoolClient, addresses: string, id: string, list: readonly Address[]): Promise<void> {
  for (const a of list) await client.query(`INSERT INTO ${addresses} (profile_id, id, location) VALUES ($1, $2, $3)`, [id, a.id, a.location]);
}

/**
 * A repository in PostgreSQL: tables `profiles` and `addresses` in `schema` (created by
 * `migrate()`), on your `pg` pool. A server that cannot be reached fails the call with
 * `unavailable`; any other database error is `internal`, its text kept as the `cause`.
 *
 * @param pool - a `pg` Pool
 * @param schema - the schema's name, such as `profilesvc` (lower-case letters, digits, `_`)
 *
 * @example
 * ```ts
 * const repo = postgresRepository(new pg.Pool({ connectionString: "postgres://127.0.0.1:5432/test" }), "profilesvc");
 * await repo.migrate();
 * ```
 */
export function postgresRepository(pool: Pool, schema: string): PostgresRepository {
  if (!schemaName.test(schema)) throw new TypeError(`schema must match ${String(schemaName)}, got ${JSON.stringify(schema)}`);
  const profiles = `${schema}.profiles`;
  const addresses = `${schema}.addresses`;

  const run = <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => transaction(pool, work);

  return {
    migrate: () =>
      run(async (client) => {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${profiles} (id text PRIMARY KEY, name text NOT NULL DEFAULT '')`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${addresses} (profile_id text NOT NULL REFERENCES ${profiles} (id) ON DELETE CASCADE, ` +
            `id text NOT NULL, location text NOT NULL DEFAULT '', position bigserial, PRIMARY KEY (profile_id, id))`,
        );
      }),

    create: (_ctx, profile) =>
      run(async (client) => {
        const { rowCount } = await client.query(`INSERT INTO ${profiles} (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [profile.id, profile.name]);
        if (rowCount === 0) throw alreadyExists();
        await insertAddresses(client, addresses, profile.id, profile.addresses);
      }),

    get: async (_ctx, id) => {
      try {
        const { rows } = await pool.query<{ name: string; address_id: string | null; location: string | null }>(
          `SELECT p.name, a.id AS address_id, a.location FROM ${profiles} p LEFT JOIN ${addresses} a ON a.profile_id = p.id WHERE p.id = $1 ORDER BY a.position`,
          [id],
        );
        const first = rows[0];
        if (first === undefined) throw notFound();
        const list = rows.filter((r) => r.address_id !== null).map((r) => ({ id: r.address_id ?? "", location: r.location ?? "" }));
        return { id, name: first.name, addresses: list } satisfies Profile;
      } catch (err) {
        throw storeError(err);
      }
    },

    put: (_ctx, profile) =>
      run(async (client) => {
        await client.query(`INSERT INTO ${profiles} (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, [profile.id, profile.name]);
        await client.query(`DELETE FROM ${addresses} WHERE profile_id = $1`, [profile.id]);
        await insertAddresses(client, addresses, profile.id, profile.addresses);
      }),

    update: (_ctx, id, patch) =>
      run(async (client) => {
        await lock(client, profiles, id);
        if (patch.name !== undefined) await client.query(`UPDATE ${profiles} SET name = $2 WHERE id = $1`, [id, patch.name]);
        if (patch.addresses !== undefined) {
          await client.query(`DELETE FROM ${addresses} WHERE profile_id = $1`, [id]);
          await insertAddresses(client, addresses, id, patch.addresses);
        }
      }),

    delete: (_ctx, id) =>
      run(async (client) => {
        const { rowCount } = await client.query(`DELETE FROM ${profiles} WHERE id = $1`, [id]);
        if (rowCount === 0) throw notFound();
      }),

    addAddress: (_ctx, profileID, address) =>
      run(async (client) => {
        await lock(client, profiles, profileID);
        const { rowCount } = await client.query(
          `INSERT INTO ${addresses} (profile_id, id, location) VALUES ($1, $2, $3) ON CONFLICT (profile_id, id) DO NOTHING`,
          [profileID, address.id, address.location],
        );
        if (rowCount === 0) throw alreadyExists();
      }),

    deleteAddress: (_ctx, profileID, addressID) =>
      run(async (client) => {
        await lock(client, profiles, profileID);
        const { rowCount } = await client.query(`DELETE FROM ${addresses} WHERE profile_id = $1 AND id = $2`, [profileID, addressID]);
        if (rowCount === 0) throw notFound();
      }),
  };
}
