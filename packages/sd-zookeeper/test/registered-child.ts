// Run by registrar.integration.test.ts as a child process: connects with a short session
// timeout, registers, says so, then waits to be killed (and gives up after a minute).
import { createClient } from "node-zookeeper-client";
import { zookeeperRegistrar } from "../src/registrar.ts";

const [hosts = "127.0.0.1:2181", path = "/", name = "", data = "", sessionTimeout = "2000"] = process.argv.slice(2);
const client = createClient(hosts, { sessionTimeout: Number(sessionTimeout) });
client.connect();
await zookeeperRegistrar(client, { path, name, data }).register();
process.stdout.write("registered\n");
setTimeout(() => process.exit(3), 60_000);
