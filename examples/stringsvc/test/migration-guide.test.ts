// docs/migrating-from-go-kit.md keeps its promise: every Go kit package has a row, each row names
// a Kit counterpart or says why there is none, and every link to the repository resolves.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const docs = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "docs");
const guide = readFileSync(join(docs, "migrating-from-go-kit.md"), "utf8");

// Go kit v0.13's packages (github.com/go-kit/kit, and github.com/go-kit/log for logging).
const goKitPackages = [
  "endpoint", "log", "log/level", "log/logrus", "log/zap", "log/syslog", "log/term",
  "metrics", "metrics/provider", "metrics/discard", "metrics/multi", "metrics/generic", "metrics/teststat",
  "metrics/prometheus", "metrics/statsd", "metrics/dogstatsd", "metrics/influxstatsd", "metrics/graphite",
  "metrics/influx", "metrics/cloudwatch", "metrics/cloudwatch2", "metrics/expvar", "metrics/pcp",
  "tracing/opentracing", "tracing/opencensus", "tracing/zipkin",
  "transport", "transport/http", "transport/http/jsonrpc", "transport/http/proto", "transport/httprp",
  "transport/grpc", "transport/nats", "transport/amqp", "transport/awslambda", "transport/netrpc", "transport/thrift",
  "sd", "sd/lb", "sd/etcdv3", "sd/etcd", "sd/dnssrv", "sd/zk", "sd/consul", "sd/eureka",
  "circuitbreaker", "ratelimit", "auth/basic", "auth/jwt", "auth/casbin", "util/conn", "cmd/kitgen",
];

/** The rows of the "Every Go kit package" table: first cell's package names → the rest of the row. */
function packageRows(): Map<string, string> {
  const section = guide.split("## Every Go kit package")[1]?.split("\n## ")[0] ?? "";
  const rows = new Map<string, string>();
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const [, first = "", ...rest] = line.split(" | ").map((c) => c.trim());
    for (const name of line.split(" | ")[0]?.matchAll(/`([\w/]+)`/g) ?? []) if (name[1] !== undefined) rows.set(name[1], [first, ...rest].join(" | "));
  }
  return rows;
}

describe("docs/migrating-from-go-kit.md", () => {
  it("has a row for every Go kit package, naming its Kit counterpart or why there is none", () => {
    const rows = packageRows();
    for (const name of goKitPackages) {
      const row = rows.get(name);
      expect([name, row === undefined ? "no row" : /@kit\/[\w-]+|not ported, because|not ported yet|not in Kit yet/.test(row)]).toEqual([name, true]);
    }
  });

  it("links only to files that exist in the repository", () => {
    const links = [...guide.matchAll(/\]\((\.\.?\/[^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1] ?? "");
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((link) => !existsSync(join(docs, link)))).toEqual([]);
  });
});
