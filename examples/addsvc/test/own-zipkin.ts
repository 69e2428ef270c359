// A Zipkin server of the test's own (Zipkin's jar from Maven Central, fetched by `bash
// scripts/services.sh start`), with in-memory storage on 127.0.0.1 and a free port. Starting,
// stopping and deleting it are @kit/test-support's; this file has only Zipkin's command line
// and readiness probe.
import { answersHttp, startOwnBroker, type OwnBroker } from "@kit/test-support";
import { requireCommand, zipkinJar } from "../../../scripts/lib/observability.ts";

/**
 * Starts Zipkin's server on a free port, and resolves once its `/health` answers (within 90 s: a
 * JVM); its API at `url`. `destroy()` it in `afterAll`.
 */
export async function startOwnZipkin(): Promise<OwnBroker> {
  requireCommand(zipkinJar, "Zipkin's server jar from Maven Central");
  return startOwnBroker({
    name: "the test's Zipkin",
    dirPrefix: "kit-zipkin-",
    setUp: (_dir, port) => ({ file: "java", args: ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", zipkinJar, `--server.port=${String(port)}`, "--server.address=127.0.0.1"] }),
    url: (port) => `http://127.0.0.1:${String(port)}`,
    ready: answersHttp("/health"),
    log: "zipkin.log",
    pollInterval: 200,
    startTimeout: 90_000,
    killAfter: 5_000,
  });
}
