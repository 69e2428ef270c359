// The README's example, run from the README's own text (scripts/lib/readme.ts): its
// `startOwnNats` starts a nats-server of the test's own (the machine's `nats-server`, on a port of
// this test's own, never the shared 4222), which the appended lines then restart and destroy.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../scripts/lib/readme.ts";
import { accepts } from "../src/accepts.ts";

const readme = fileURLToPath(new URL("../README.md", import.meta.url));
const port = 19_290;

// Drives the example's function as a fault test would: what it prints is checked below.
const append = `
const { accepts } = await import("@kit/test-support");
const broker = await startOwnNats(${String(port)});
console.log(broker.url, await accepts(broker.port));
let refusedWhileDown = false;
await broker.restart({ downtime: 300, whileDown: async () => { refusedWhileDown = !(await accepts(broker.port)); } });
console.log("away", refusedWhileDown, "back", await accepts(broker.port));
await broker.destroy();
console.log("destroyed", await accepts(broker.port));
`;

describe("README", () => {
  it("A broker of the test's own: startOwnNats starts, restarts and destroys a nats-server on its port", async () => {
    const run = runReadmeExample(readme, { heading: "## A broker of the test's own", append, timeout: 60_000 });
    expect(run.code).toContain("startOwnBroker({");
    expect(run.stderr).toBe("");
    expect(run.printed).toEqual([`nats://127.0.0.1:${String(port)} true`, "away true back true", "destroyed false"]);
    expect(run.status).toBe(0);
    expect(await accepts(port)).toBe(false); // nothing left running
  });
});
