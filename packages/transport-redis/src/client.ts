/** The options of a command, as node-redis (v5) takes them: the part Kit uses. */
export interface RedisCommandOptions {
  /** Drops the command if it was not written to Redis yet when the signal aborts. */
  readonly abortSignal?: AbortSignal;
  /** Maps RESP types to JavaScript types: Kit reads bulk strings as `Buffer`s, so bodies keep their bytes. */
  readonly typeMapping?: object;
}

/**
 * The part of a node-redis (v5) client the Redis Streams transport uses: what `createClient()`
 * returns fits. Kit sends its commands with `sendCommand`, and makes a connection of its own
 * with `duplicate()` for each blocking read (`XREADGROUP … BLOCK`, `XREAD … BLOCK`), so a
 * blocked read never holds up the client's other commands and `close()` is prompt.
 */
export interface RedisStreamClient {
  /** Sends one command and resolves with Redis's reply. */
  sendCommand(args: readonly (string | Buffer)[], options?: RedisCommandOptions): Promise<unknown>;
  /** Whether the client is connected and ready for commands. */
  readonly isReady: boolean;
  /** A new client with the same options, not connected yet. */
  duplicate(): RedisStreamConnection;
}

/** A connection Kit made with `duplicate()` for its blocking reads: it connects it, listens to it and destroys it. */
export interface RedisStreamConnection {
  /** Sends one command and resolves with Redis's reply. */
  sendCommand(args: readonly (string | Buffer)[], options?: RedisCommandOptions): Promise<unknown>;
  /** Connects. */
  connect(): Promise<unknown>;
  /** Closes at once; commands waiting reject. */
  destroy(): void;
  /** node-redis's events: `error` (a failed or lost connection) and `ready` (connected again). */
  on(event: "error" | "ready", listener: (err: Error) => void): unknown;
}
