// A real DNS server on 127.0.0.1 (UDP, port 0) for the integration tests, built with dns2:
// it answers SRV questions from a table the test changes while the instancer watches.
import { Resolver } from "node:dns/promises";
import { createUDPServer, Packet } from "dns2";

/** What the server answers for one name. */
export type Answer =
  | { readonly srv: readonly { readonly target: string; readonly port: number }[] }
  | "nxdomain" // the name does not exist (rcode 3)
  | "servfail" // the server failed (rcode 2)
  | "drop"; // no answer at all: the client times out

export interface TestDnsServer {
  readonly port: number;
  /** Sets what `name` answers from now on; names never set are NXDOMAIN. */
  set(name: string, answer: Answer): void;
  /** How many questions the server has been asked about `name`. */
  queries(name: string): number;
  /** A resolver that asks only this server, with a 300 ms timeout and 2 tries. */
  resolver(): Resolver;
  close(): Promise<void>;
}

// dns2 compresses every name it writes, SRV targets included, which RFC 2782 forbids and
// Node's resolver (c-ares) rejects with EBADRESP; a writer whose `names` table is not a Map
// makes it write every name in full.
function uncompressed(): InstanceType<typeof Packet.Writer> {
  return Object.assign(new Packet.Writer(), { names: {} });
}
// Typed without its (real) writer parameter in dns2's declarations; called with `.call`.
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with a packet as `this`
const encode: (this: Packet, writer: object) => Buffer = Packet.prototype.toBuffer;

/** Starts the server on `port` of 127.0.0.1 (any free one by default). */
export async function startDnsServer(port = 0): Promise<TestDnsServer> {
  const answers = new Map<string, Answer>();
  const counts = new Map<string, number>();
  const server = createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const question = request.questions[0];
    if (question === undefined) return;
    const name = question.name.toLowerCase();
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const answer = answers.get(name) ?? "nxdomain";
    if (answer === "drop") return;
    if (answer === "nxdomain") response.header.rcode = 3;
    else if (answer === "servfail") response.header.rcode = 2;
    else if (question.type === Packet.TYPE.SRV) {
      for (const { target, port } of answer.srv) {
        response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 1, priority: 10, weight: 10, port, target }));
      }
    }
    void send(encode.call(response, uncompressed()));
  });
  await server.listen(port, "127.0.0.1");
  const bound = server.address().port;
  return {
    port: bound,
    set: (name, answer) => answers.set(name.toLowerCase(), answer),
    queries: (name) => counts.get(name.toLowerCase()) ?? 0,
    resolver() {
      const resolver = new Resolver({ timeout: 300, tries: 2 });
      resolver.setServers([`127.0.0.1:${String(bound)}`]);
      return resolver;
    },
    close: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}
