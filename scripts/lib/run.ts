// Runs a command with inherited output and resolves with its exit code.
import { spawn } from "node:child_process";

/** Runs `command args…` in `cwd`, printing its output as it comes; resolves with the exit code. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: "inherit" });
    child.on("error", (err) => {
      console.error(`${command}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
