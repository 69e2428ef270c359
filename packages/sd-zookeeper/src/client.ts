import { CreateMode, Exception } from "node-zookeeper-client";

/**
 * The part of a node-zookeeper-client `Client` (from `createClient(...)`) this package uses,
 * typed as the library behaves: callbacks get `null` as the error on success, errors are
 * `Error`s (the library's `Exception` extends `Error`), and `exists` gives `null` for a
 * missing node. A `Client` is assignable to it.
 */
export interface ZooKeeperClient {
  /** Lists the children of `path` and leaves a one-shot watch on them. */
  getChildren(path: string, watcher: (event: unknown) => void, callback: (error: unknown, children: string[]) => void): void;
  /** Reads the data of `path`. */
  getData(path: string, callback: (error: unknown, data: Buffer | null | undefined) => void): void;
  /** Tells whether `path` exists and leaves a one-shot watch on it. */
  exists(path: string, watcher: (event: unknown) => void, callback: (error: unknown, stat: unknown) => void): void;
  /** Creates `path` with `data` in `mode` (a `CreateMode`); the callback gets the path created. */
  create(path: string, data: Buffer, mode: number, callback: (error: unknown, path: string) => void): void;
  /** Creates `path` and any missing parent, as persistent nodes. */
  mkdirp(path: string, callback: (error: unknown, path: string) => void): void;
  /** Deletes `path`. */
  remove(path: string, callback: (error: unknown) => void): void;
  /** Listens to the client's connection state (`SYNC_CONNECTED`, `DISCONNECTED`, `EXPIRED`…). */
  on(event: "state", listener: (state: { readonly name: string; readonly code: number }) => void): unknown;
  /** Stops listening. */
  removeListener(event: "state", listener: (state: { readonly name: string; readonly code: number }) => void): unknown;
}

// node-zookeeper-client's callback API, as promises. A method that throws at once (an invalid
// path) rejects.

/** The names of the children of `path`, leaving `watcher` on them. */
export function getChildren(client: ZooKeeperClient, path: string, watcher: (event: unknown) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    client.getChildren(path, watcher, (error, children) => {
      if (error) reject(asError(error));
      else resolve(children);
    });
  });
}

/** The data of `path` as UTF-8, or `undefined` when the node is gone. */
export function getData(client: ZooKeeperClient, path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    client.getData(path, (error, data) => {
      if (isNoNode(error)) resolve(undefined);
      else if (error) reject(asError(error));
      else resolve(data?.toString("utf8") ?? "");
    });
  });
}

/** Whether `path` exists, leaving `watcher` on it. */
export function exists(client: ZooKeeperClient, path: string, watcher: (event: unknown) => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    client.exists(path, watcher, (error, stat) => {
      if (error) reject(asError(error));
      else resolve(stat !== null && stat !== undefined);
    });
  });
}

/** Creates an ephemeral sequential node; resolves with its full path. */
export function createEphemeralSequential(client: ZooKeeperClient, path: string, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.create(path, Buffer.from(data, "utf8"), CreateMode.EPHEMERAL_SEQUENTIAL, (error, created) => {
      if (error) reject(asError(error));
      else resolve(created);
    });
  });
}

/** Creates `path` and its missing parents as persistent nodes. */
export function mkdirp(client: ZooKeeperClient, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.mkdirp(path, (error) => {
      if (error) reject(asError(error));
      else resolve();
    });
  });
}

/** Deletes `path`; a node already gone is fine. */
export function remove(client: ZooKeeperClient, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.remove(path, (error) => {
      if (error && !isNoNode(error)) reject(asError(error));
      else resolve();
    });
  });
}

/** Whether `error` is ZooKeeper's NO_NODE. */
export function isNoNode(error: unknown): boolean {
  // By code, not `instanceof`: the client may come from another copy of the library.
  return typeof error === "object" && error !== null && "code" in error && error.code === Exception.NO_NODE;
}

/** `error` as an `Error`. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(`zookeeper: ${String(error)}`);
}
