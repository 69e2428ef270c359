// connect(): the first connection failing rejects with the Kit code of the table in the README,
// so a misconfigured service fails at start instead of retrying in silence.
import { Code } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { connect } from "../src/connection.ts";
import { amqpUrl } from "./support.ts";

describe("connect", () => {
  it("rejects with unavailable when nothing listens", async () => {
    await expect(connect("amqp://guest:guest@127.0.0.1:19499")).rejects.toMatchObject({ code: Code.Unavailable, message: expect.stringMatching(/ECONNREFUSED/) as unknown });
  });

  it("rejects with unauthenticated when the broker refuses the login", async () => {
    const wrong = new URL(amqpUrl);
    wrong.username = "kit-nobody";
    wrong.password = "wrong";
    await expect(connect(wrong.toString())).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("fails a publish at once with unavailable once closed", async () => {
    const connection = await connect(amqpUrl);
    await connection.close();
    await expect(connection.sharedChannel("confirm")).rejects.toMatchObject({ code: Code.Unavailable });
  });
});
