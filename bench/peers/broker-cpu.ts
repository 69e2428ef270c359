// The CPU a broker running on this machine has used, read from Linux's /proc: the peers'
// benchmarks count it per call beside their own process's, since the broker shares the same
// cores and what a client sends (a NATS header block, say) costs the broker too.
import { readdirSync, readFileSync } from "node:fs";

/** Linux reports utime and stime in clock ticks of USER_HZ, 100 a second on every architecture Node runs on. */
const MICROSECONDS_PER_TICK = 10_000;

/** Reads a process's CPU time (user and system) in µs. */
export type CpuClock = () => number;

/**
 * A clock of the CPU time used by the process whose name (`/proc/<pid>/comm`) is `name`, or
 * undefined when there is none (no /proc, or the broker runs elsewhere). The first such
 * process is taken; it is read, never signalled.
 */
export function brokerCpuClock(name: string): CpuClock | undefined {
  const pid = findProcess(name);
  if (pid === undefined) return undefined;
  return () => {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The fields after the name, which is in parentheses and may itself hold spaces: state is the
    // first, utime the 12th and stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * MICROSECONDS_PER_TICK;
  };
}

function findProcess(name: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, "latin1").trim() === name) return pid;
    } catch {
      // the process ended while the list was read
    }
  }
  return undefined;
}
