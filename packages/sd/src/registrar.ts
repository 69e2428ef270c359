/**
 * Registers the running service instance with a registry and removes it again, Go kit's
 * `sd.Registrar`. Registry packages implement it; call `register` once the server listens and
 * `deregister` when it shuts down, before closing the listener, so clients stop picking it.
 * Implementations keep the registration alive (heartbeats, TTL refresh) until `deregister`.
 *
 * @example
 * ```ts
 * await server.listen(8080);
 * await registrar.register();
 * process.once("SIGTERM", async () => {
 *   await registrar.deregister();
 *   await server.close();
 * });
 * ```
 */
export interface Registrar {
  /** Registers the instance; resolves once the registry has accepted it. */
  register(): Promise<void>;
  /** Deregisters the instance and stops any keep-alive; calling it again does nothing. */
  deregister(): Promise<void>;
}
