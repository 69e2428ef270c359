// Run by registrar.integration.test.ts as a child process: registers, says so, then waits to be
// killed (and gives up by itself after a minute so it never outlives a broken test run).
import { Etcd3 } from "etcd3";
import { etcdRegistrar } from "../src/registrar.ts";

const [hosts = "127.0.0.1:2379", key = "", value = "", ttl = "2"] = process.argv.slice(2);
const client = new Etcd3({ hosts: hosts.split(",") });
await etcdRegistrar(client, { key, value, ttl: Number(ttl) }).register();
process.stdout.write("registered\n");
setTimeout(() => process.exit(3), 60_000);
