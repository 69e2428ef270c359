/** Prints one line of a case's report (its counts, or why a known failure failed) to stdout. */
export function report(line: string): void {
  process.stdout.write(`[conformance] ${line}\n`);
}
