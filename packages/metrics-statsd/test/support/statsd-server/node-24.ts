// statsd 0.9 logs with util.log, which Node 23 removed; preloaded with --import, this puts it
// back (to stderr) for the server, which needs nothing else from it.
import util from "node:util";

Object.assign(util, {
  log: (...args: unknown[]): void => {
    process.stderr.write(`${args.map(String).join(" ")}\n`);
  },
});
