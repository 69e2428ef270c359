// An SQS subscriber in its own process, for the conformance suite's killed-consumer case: it
// holds the messages it takes until the parent kills it with SIGKILL.
// Usage: node test/conformance-child.ts <endpoint> <queue URL> <dead-letter queue URL>
import { SQSClient } from "@aws-sdk/client-sqs";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { subscriber } from "../src/subscriber.ts";

const [endpoint, queueUrl, deadLetterQueueUrl] = process.argv.slice(2);
if (endpoint === undefined || queueUrl === undefined || deadLetterQueueUrl === undefined) throw new Error("usage: conformance-child.ts <endpoint> <queue URL> <dead-letter queue URL>");
const client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });
await holdMessages((probe, options) =>
  subscriber(client, queueUrl, probe, decodeJSONMessage<Probe>(), encodeJSONMessage, { ...options, deadLetterQueueUrl, waitTimeSeconds: 1, visibilityTimeout: 3 }),
);
