// A Redis Streams subscriber in its own process, for the conformance suite's killed-consumer
// case: it holds the entries it takes until the parent kills it with SIGKILL.
// Usage: node test/conformance-child.ts <redis url> <stream> <group> <claimIdle ms>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { subscriber } from "../src/subscriber.ts";
import { connect } from "./redis.ts";

const [url, stream, group, claimIdle] = process.argv.slice(2);
if (url === undefined || stream === undefined || group === undefined || claimIdle === undefined) {
  throw new Error("usage: conformance-child.ts <redis url> <stream> <group> <claimIdle ms>");
}
const client = await connect(url);
await holdMessages((endpoint, options) =>
  subscriber(client, stream, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, { group, claimIdle: Number(claimIdle), ...options }),
);
