// A consumer that takes messages and never finishes them, printing how many it holds, until
// it is killed: the "consumer dies mid-flight" fixture of subscriber.integration.test.ts.
// argv: endpoint, queue URL, dead-letter queue URL.
import { SQSClient } from "@aws-sdk/client-sqs";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { subscriber } from "../src/subscriber.ts";

const [endpoint = "http://127.0.0.1:9324", queueUrl = "", deadLetterQueueUrl = ""] = process.argv.slice(2);
const client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });
let inFlight = 0;
setInterval(() => undefined, 1_000); // a handler that never settles holds no I/O: keep the process alive until killed
subscriber(
  client,
  queueUrl,
  () => {
    inFlight++;
    process.stdout.write(`in flight ${inFlight}\n`);
    return new Promise<undefined>(() => undefined); // never settles
  },
  decodeJSONMessage(),
  encodeJSONMessage,
  { concurrency: 20, deadLetterQueueUrl, waitTimeSeconds: 1, visibilityTimeout: 3 },
);
