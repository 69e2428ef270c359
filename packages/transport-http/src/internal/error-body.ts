import { isCode, KitError } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";

/** The most of an error response's body a client reads. */
const maxErrorBody = 64 * 1024;

/**
 * The KitError a non-2xx response stands for: the code, message and details of a Kit error
 * body `{ code, message, details? }`, or else a code from the status table and a message
 * with the status and the start of the body.
 */
export async function errorFromResponse(response: Response): Promise<KitError> {
  const text = await readText(response);
  const body = parse(text);
  if (body !== undefined && isCode(body.code) && typeof body.message === "string") {
    return new KitError(body.code, body.message, isRecord(body.details) ? { details: body.details } : {});
  }
  const snippet = text.trim().slice(0, 200);
  const message = `HTTP ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
  return new KitError(codeFromHttpStatus(response.status), snippet === "" ? message : `${message}: ${snippet}`, {
    details: { status: response.status },
  });
}

function parse(text: string): Partial<Record<string, unknown>> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readText(response: Response): Promise<string> {
  if (response.body === null) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the rest of the body.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= maxErrorBody) break;
  }
  return Buffer.concat(chunks, Math.min(size, maxErrorBody)).toString("utf8");
}
