// A program on the generated runInventory and serveInventory, written as a user writes one:
// test/serve-run.integration.test.ts runs it with flags and signals.
import { logfmtLogger } from "@kit/log";
import { makeEndpoints } from "../fixtures/inventory/generated/inventory.endpoints.ts";
import { runInventory } from "../fixtures/inventory/generated/inventory.run.ts";
import { serveInventory } from "../fixtures/inventory/generated/inventory.serve.ts";
import { Inventory } from "../fixtures/inventory/impl.ts";

const logger = logfmtLogger(process.stdout);
await runInventory({
  logger,
  flags: { prefix: "the service's part of every subject" },
  defaults: { "http-addr": "127.0.0.1:0" },
  async start(options, flag, defer) {
    defer(() => {
      logger.log("msg", "closed last");
      return Promise.resolve();
    });
    const served = await serveInventory(makeEndpoints(new Inventory()), { ...options, logger, prefix: flag("prefix") });
    defer(() => served.close());
  },
});
