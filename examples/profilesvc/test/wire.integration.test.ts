// The HTTP wire, pinned to Go kit's profilesvc: routes, statuses and the exact bytes of each
// answer (json.Encoder's trailing newline included), on the in-memory repository and on
// PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryRepository } from "../src/memory-repository.ts";
import { postgresRepository } from "../src/postgres-repository.ts";
import type { ProfileRepository } from "../src/repository.ts";
import { testDatabase } from "./support/postgres.ts";
import { serve } from "./support/serve.ts";

/** One call and what Go kit's profilesvc answers: method, path, body → status, body. */
type Exchange = readonly [string, string, string | undefined, number, string];

const session: readonly Exchange[] = [
  ["POST", "/profiles/", '{"id":"1","name":"ann"}', 200, "{}\n"],
  ["POST", "/profiles/", '{"id":"1","name":"ann again"}', 400, '{"error":"already exists"}\n'],
  ["GET", "/profiles/1", undefined, 200, '{"profile":{"id":"1","name":"ann"}}\n'],
  ["GET", "/profiles/2", undefined, 404, '{"error":"not found"}\n'],
  ["PUT", "/profiles/2", '{"id":"3"}', 400, '{"error":"inconsistent IDs"}\n'],
  ["PUT", "/profiles/2", '{"id":"2","name":"bob","addresses":[{"id":"home","location":"Oslo"}]}', 200, "{}\n"],
  ["GET", "/profiles/2", undefined, 200, '{"profile":{"id":"2","name":"bob","addresses":[{"id":"home","location":"Oslo"}]}}\n'],
  ["PATCH", "/profiles/2", '{"name":"bobby"}', 200, "{}\n"],
  ["GET", "/profiles/2", undefined, 200, '{"profile":{"id":"2","name":"bobby","addresses":[{"id":"home","location":"Oslo"}]}}\n'],
  ["PATCH", "/profiles/9", '{"name":"nobody"}', 404, '{"error":"not found"}\n'],
  ["GET", "/profiles/1/addresses/", undefined, 200, "{}\n"],
  ["POST", "/profiles/1/addresses/", '{"id":"work","location":"Rome"}', 200, "{}\n"],
  ["POST", "/profiles/1/addresses/", '{"id":"cabin"}', 200, "{}\n"],
  ["POST", "/profiles/1/addresses/", '{"id":"work","location":"Paris"}', 400, '{"error":"already exists"}\n'],
  ["GET", "/profiles/1/addresses/", undefined, 200, '{"addresses":[{"id":"work","location":"Rome"},{"id":"cabin"}]}\n'],
  ["GET", "/profiles/1/addresses/cabin", undefined, 200, '{"address":{"id":"cabin"}}\n'],
  ["GET", "/profiles/1/addresses/attic", undefined, 404, '{"error":"not found"}\n'],
  ["DELETE", "/profiles/1/addresses/work", undefined, 200, "{}\n"],
  ["DELETE", "/profiles/1/addresses/work", undefined, 404, '{"error":"not found"}\n'],
  ["GET", "/profiles/9/addresses/", undefined, 404, '{"error":"not found"}\n'],
  ["DELETE", "/profiles/1", undefined, 200, "{}\n"],
  ["DELETE", "/profiles/1", undefined, 404, '{"error":"not found"}\n'],
  ["GET", "/profiles/1", undefined, 404, '{"error":"not found"}\n'],
  ["GET", "/profiles/a%2Fb", undefined, 404, '{"error":"not found"}\n'],
];

async function call(url: string, [method, path, body]: Exchange): Promise<[number, string | null, string]> {
  const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { body }) });
  return [res.status, res.headers.get("content-type"), await res.text()];
}

function wire(name: string, make: () => Promise<ProfileRepository>): void {
  describe(`HTTP wire on ${name}`, () => {
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      server = await serve(await make());
    });
    afterAll(() => server.close());

    it("answers Go kit's statuses and bytes through a whole session", async () => {
      for (const exchange of session) {
        expect([exchange[0], exchange[1], ...(await call(server.url, exchange))]).toEqual([
          exchange[0],
          exchange[1],
          exchange[3],
          "application/json; charset=utf-8",
          exchange[4],
        ]);
      }
    });

    it("refuses bad bodies with 400 and an error naming the problem, and unknown routes", async () => {
      const answers = await Promise.all([
        call(server.url, ["POST", "/profiles/", "{", 0, ""]),
        call(server.url, ["POST", "/profiles/", '{"id":5}', 0, ""]),
        call(server.url, ["POST", "/profiles/", '{"name":"no id"}', 0, ""]),
        call(server.url, ["POST", "/profiles/", '{"id":"x","addresses":{}}', 0, ""]),
        call(server.url, ["GET", "/profiles/", undefined, 0, ""]),
        call(server.url, ["GET", "/elsewhere", undefined, 0, ""]),
      ]);
      expect(answers.map(([status, , body]) => [status, JSON.parse(body) as unknown])).toEqual([
        [400, { error: "request body is not JSON: Expected property name or '}' in JSON at position 1 (line 1 column 2)" }],
        [400, { error: "profile.id: expected a string" }],
        [400, { error: "profile.id: must not be empty" }],
        [400, { error: "profile.addresses: expected an array" }],
        [405, { error: "method GET not allowed" }],
        [404, { error: "no route for GET /elsewhere" }],
      ]);
    });
  });
}

wire("the in-memory repository", () => Promise.resolve(memoryRepository()));

let db: Awaited<ReturnType<typeof testDatabase>> | undefined;
afterAll(() => db?.drop());
wire("PostgreSQL", async () => {
  db = await testDatabase();
  const repo = postgresRepository(db.pool, db.schema());
  await repo.migrate();
  return repo;
});
