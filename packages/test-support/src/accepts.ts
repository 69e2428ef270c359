import { createConnection } from "node:net";

/**
 * Whether something accepts TCP connections on 127.0.0.1:`port`: the readiness probe of a broker
 * whose port opens only once it can serve (NATS, Mosquitto), and the check that a port is free
 * before a broker of the test's own is started on it.
 *
 * @param port - the port to try
 * @returns true once a connection opened (it is closed at once), false when it was refused
 */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
