/**
 * One endpoint of a NATS service, as its `$SRV.INFO` response lists it (the micro protocol's
 * `io.nats.micro.v1.info_response`).
 */
export interface ServiceEndpointInfo {
  /** The endpoint's name, such as `sum`. */
  readonly name: string;
  /** The subject it listens on. */
  readonly subject: string;
  /** Its queue group, when it has one. */
  readonly queue_group?: string;
  /** Its metadata, when it has any. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * What one running instance of a NATS service says about itself in answer to
 * `$SRV.INFO.<name>`: its name, its unique id, its version, its metadata and its endpoints.
 */
export interface ServiceInfo {
  /** The service's name, the same for every instance. */
  readonly name: string;
  /** This instance's unique id. */
  readonly id: string;
  /** The service's version (semver). */
  readonly version: string;
  /** The service's description, when it has one. */
  readonly description?: string;
  /** The instance's metadata, such as an address it also serves on. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The instance's endpoints. */
  readonly endpoints: readonly ServiceEndpointInfo[];
}

const infoType = "io.nats.micro.v1.info_response";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads a `$SRV.INFO` response body, or returns `undefined` when it is not one (not JSON, the
 * wrong `type`, or no `name`/`id`).
 *
 * @param body - the response's payload
 */
export function parseServiceInfo(body: Uint8Array): ServiceInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.type !== infoType) return undefined;
  const { name, id, version, description, metadata, endpoints } = parsed;
  if (typeof name !== "string" || typeof id !== "string" || id === "") return undefined;
  return {
    name,
    id,
    version: typeof version === "string" ? version : "",
    ...(typeof description === "string" ? { description } : {}),
    ...(isRecord(metadata) ? { metadata: metadata as Record<string, string> } : {}),
    endpoints: Array.isArray(endpoints) ? (endpoints.filter(isRecord) as unknown as ServiceEndpointInfo[]) : [],
  };
}
