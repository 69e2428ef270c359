import { afterEach, describe, expect, it } from "vitest";
import { closeAll, listen } from "../test/support/listen.ts";
import { readBody } from "./body.ts";
import { encodeJSON } from "./codec.ts";
import { server } from "./server.ts";

afterEach(closeAll);

describe("readBody", () => {
  it("gives the same bytes to every reader of one request", async () => {
    const { url } = await listen(
      server(
        (_ctx, req: string) => Promise.resolve({ req }),
        async (_ctx, req) => {
          const first = await readBody(req);
          const second = await readBody(req);
          return `${first.toString()}|${second.toString()}|${String(first === second)}`;
        },
        encodeJSON,
      ),
    );
    const res = await fetch(url, { method: "POST", body: "hello" });
    expect(await res.json()).toEqual({ req: "hello|hello|true" });
  });

  it("honours the server's maxBodyBytes, and 1 MiB by default", async () => {
    const decode = async (_ctx: unknown, req: Parameters<typeof readBody>[0]): Promise<number> => (await readBody(req)).length;
    const small = await listen(server((_ctx, n: number) => Promise.resolve({ n }), decode, encodeJSON, { maxBodyBytes: 10 }));
    expect((await fetch(small.url, { method: "POST", body: "0123456789" })).status).toBe(200);
    expect((await fetch(small.url, { method: "POST", body: "0123456789x" })).status).toBe(413);
    const standard = await listen(server((_ctx, n: number) => Promise.resolve({ n }), decode, encodeJSON));
    expect(await (await fetch(standard.url, { method: "POST", body: new Uint8Array(1024 * 1024) })).json()).toEqual({ n: 1024 * 1024 });
    expect((await fetch(standard.url, { method: "POST", body: new Uint8Array(1024 * 1024 + 1) })).status).toBe(413);
  });

  it("applies the 1 MiB default to a request read outside a Kit server", async () => {
    const { url } = await listen((req, res) => {
      readBody(req).then(
        (body) => res.end(`read ${body.length}`),
        (err: unknown) => res.end(`refused: ${(err as Error).message}`),
      );
    });
    expect(await (await fetch(url, { method: "POST", body: "abc" })).text()).toBe("read 3");
    expect(await (await fetch(url, { method: "POST", body: new Uint8Array(1024 * 1024 + 1) })).text()).toBe("refused: request body is larger than 1048576 bytes");
  });
});
