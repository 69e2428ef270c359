import type { MessageAttributeValue } from "@aws-sdk/client-sqs";

/**
 * The message attribute that carries all of a message's headers as one JSON object when they
 * do not fit SQS's rules for attributes one by one (at most 10 per message; names of letters,
 * digits, `-`, `_` and `.` that do not start with `AWS.` or `Amazon.`; no empty values).
 */
export const packedHeadersAttribute = "kit-headers";

const maxAttributes = 10;
const validName = /^(?!aws\.|amazon\.)(?!\.)(?!.*\.\.)[\w.-]{1,256}(?<!\.)$/i;

/** Header names already checked against SQS's rules (an application uses a handful): a lookup costs less than the pattern. */
const checkedNames = new Map<string, boolean>();
const maxCheckedNames = 256;

function isValidName(name: string): boolean {
  let valid = checkedNames.get(name);
  if (valid === undefined) {
    valid = validName.test(name);
    if (checkedNames.size < maxCheckedNames) checkedNames.set(name, valid);
  }
  return valid;
}

/**
 * Turns Kit message headers into SQS message attributes (each a `String` attribute), or,
 * when they break SQS's rules for attributes, into the one {@link packedHeadersAttribute}
 * holding them all. Nothing is dropped either way.
 *
 * @param headers - the headers
 */
export function toAttributes(headers: ReadonlyMap<string, string>): Record<string, MessageAttributeValue> {
  if (headers.size <= maxAttributes) {
    const attributes: Record<string, MessageAttributeValue> = {};
    let fits = true;
    for (const [name, value] of headers) {
      if (value === "" || !isValidName(name)) {
        fits = false;
        break;
      }
      attributes[name] = { DataType: "String", StringValue: value };
    }
    if (fits) return attributes;
  }
  return { [packedHeadersAttribute]: { DataType: "String", StringValue: JSON.stringify(Object.fromEntries(headers)) } };
}

/**
 * Reads SQS message attributes back into headers: every `String` and `Number` attribute by
 * its name, and the headers packed in {@link packedHeadersAttribute}. Binary attributes are
 * left out.
 *
 * @param attributes - the received message's `MessageAttributes`
 */
export function fromAttributes(attributes: Readonly<Record<string, MessageAttributeValue>> | undefined): Map<string, string> {
  const headers = new Map<string, string>();
  if (attributes === undefined) return headers;
  for (const name of Object.keys(attributes)) {
    const attribute = attributes[name];
    if (attribute?.StringValue === undefined) continue;
    if (name !== packedHeadersAttribute) {
      headers.set(name, attribute.StringValue);
      continue;
    }
    let packed: unknown;
    try {
      packed = JSON.parse(attribute.StringValue);
    } catch {
      headers.set(name, attribute.StringValue); // not ours: keep it as it came
      continue;
    }
    if (typeof packed !== "object" || packed === null) continue;
    for (const [key, value] of Object.entries(packed)) if (typeof value === "string") headers.set(key, value);
  }
  return headers;
}
