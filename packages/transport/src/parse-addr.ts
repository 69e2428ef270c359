/** A listener's address: what `listen` of `@kit/transport-http` and `@kit/transport-grpc` take. */
export interface HostPort {
  /** The host name or IP address, without brackets. */
  readonly host: string;
  /** The port, 0 to 65535 (0 picks a free one). */
  readonly port: number;
}

/**
 * Reads Go's `host:port` (`127.0.0.1:8081`, `[::1]:8081`, `:8081`); an empty host is
 * `127.0.0.1`, as Go kit's `-http-addr :8081` means a local listener here.
 *
 * @param addr - an address, as given to `--http-addr`
 * @returns its host and port
 * @throws RangeError when it is not one, quoting it and saying what is wanted
 *
 * @example
 * ```ts
 * parseAddr(":8081"); // { host: "127.0.0.1", port: 8081 }
 * parseAddr("[::1]:0"); // { host: "::1", port: 0 }
 * ```
 */
export function parseAddr(addr: string): HostPort {
  const match = /^(?:\[(.*)\]|(.*)):(\d{1,5})$/.exec(addr);
  if (match === null || Number(match[3]) > 65_535) throw new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`);
  const host = match[1] ?? match[2] ?? "";
  return { host: host === "" ? "127.0.0.1" : host, port: Number(match[3]) };
}
