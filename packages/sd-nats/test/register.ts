// Registers a NATS service named argv[3] on the server argv[2], prints its id, and runs until
// killed: the "process death" fixture of instancer.integration.test.ts.
import { Svcm } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";

const [servers = "nats://127.0.0.1:4222", name = "kit_sd_fixture"] = process.argv.slice(2);
const nc = await connect({ servers, timeout: 5_000 });
const service = await new Svcm(nc).add({ name, version: "1.0.0" });
process.stdout.write(`${service.info().id}\n`);
