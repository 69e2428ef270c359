import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { Code, KitError } from "@kit/endpoint";
import { fromSqsError } from "./errors.ts";

/**
 * Checks that a subscriber can work: that its queue exists and that it has a dead-letter queue
 * that exists, `given` or the target of the queue's redrive policy. Resolves with the
 * dead-letter queue's URL; rejects with a `KitError` by the package's table (`not_found` for a
 * missing queue, `permission_denied`, `unavailable`…), or `failed_precondition` for a queue with
 * no dead-letter queue at all.
 *
 * @param client - the user's `SQSClient`
 * @param queueUrl - the queue the subscriber consumes
 * @param given - the `deadLetterQueueUrl` option
 * @param signal - aborts the calls (the subscriber closed)
 */
export async function checkQueues(client: SQSClient, queueUrl: string, given: string | undefined, signal: AbortSignal): Promise<string> {
  const attributes = async (url: string, names: ("RedrivePolicy" | "QueueArn")[]): Promise<Record<string, string>> => {
    try {
      return (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names }), { abortSignal: signal })).Attributes ?? {};
    } catch (thrown) {
      throw fromSqsError(thrown, `queue ${url}`);
    }
  };
  const { RedrivePolicy: policy } = await attributes(queueUrl, ["RedrivePolicy"]);
  if (given !== undefined) {
    await attributes(given, ["QueueArn"]);
    return given;
  }
  const name = deadLetterName(policy);
  if (name === undefined) {
    throw new KitError(
      Code.FailedPrecondition,
      `queue ${queueUrl} has no dead-letter queue: give deadLetterQueueUrl or set a RedrivePolicy, so poison messages have somewhere to go`,
    );
  }
  try {
    const url = await client.send(new GetQueueUrlCommand({ QueueName: name }), { abortSignal: signal });
    if (url.QueueUrl === undefined) throw new KitError(Code.NotFound, `dead-letter queue ${name} not found`);
    return url.QueueUrl;
  } catch (thrown) {
    throw fromSqsError(thrown, `dead-letter queue ${name} of ${queueUrl}`);
  }
}

/** The dead-letter queue's name in a `RedrivePolicy` (the last part of its `deadLetterTargetArn`), if it names one. */
function deadLetterName(policy: string | undefined): string | undefined {
  if (policy === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return undefined;
  }
  const arn = (parsed as { deadLetterTargetArn?: unknown } | null)?.deadLetterTargetArn;
  const name = typeof arn === "string" ? arn.split(":").at(-1) : undefined;
  return name === "" ? undefined : name;
}
