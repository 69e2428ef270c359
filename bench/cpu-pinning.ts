// Where a served benchmark's processes run. With two CPUs or more and `taskset` (util-linux),
// the server under test runs on CPU 1 and what loads it (autocannon, a one-connection client) on
// CPU 0, so neither takes the other's core; without them every process runs where the scheduler
// puts it, and the figures say so.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";

/** Whether the server and its load each get a CPU of their own: two CPUs or more, and `taskset`. */
export const pinned: boolean = cpus().length >= 2 && spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

/** How the processes were placed, for a benchmark's heading. */
export const placement: string = pinned ? "server on CPU 1, load on CPU 0" : "server and load not pinned";

/** Moves every thread of process `pid` (a server under test) to CPU 1, when {@link pinned}; the threads it starts later inherit it. */
export function pinServer(pid: number | undefined): void {
  if (pinned && pid !== undefined) spawnSync("taskset", ["-a", "-p", "-c", "1", String(pid)], { stdio: "ignore" });
}

/** Moves every thread of process `pid` (a client loading a server, such as the benchmark's own process) to CPU 0, when {@link pinned}. */
export function pinLoad(pid: number | undefined): void {
  if (pinned && pid !== undefined) spawnSync("taskset", ["-a", "-p", "-c", "0", String(pid)], { stdio: "ignore" });
}

/** The command and arguments that run Node with `args` on CPU 0 (the load's), when {@link pinned}. */
export function onLoadCpu(args: readonly string[]): [command: string, args: string[]] {
  return pinned ? ["taskset", ["-c", "0", process.execPath, ...args]] : [process.execPath, [...args]];
}
