/** Where a problem is, and what it is: `file:line:col: method: reason`. */
export interface Diagnostic {
  /** The file, as given on the command line. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The method it concerns, when there is one. */
  readonly method: string | undefined;
  /** Why kitgen cannot map it. */
  readonly reason: string;
}

/** The one-line form of a {@link Diagnostic}. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  return d.method === undefined ? `${where}: ${d.reason}` : `${where}: ${d.method}: ${d.reason}`;
}

/** Thrown when kitgen cannot generate code: every problem found, each with its place. */
export class KitgenError extends Error {
  /** The problems, in source order. */
  readonly diagnostics: readonly Diagnostic[];

  /**
   * @param message - the summary
   * @param diagnostics - the problems found
   */
  constructor(message: string, diagnostics: readonly Diagnostic[] = []) {
    super(diagnostics.length === 0 ? message : diagnostics.map(formatDiagnostic).join("\n"));
    this.name = "KitgenError";
    this.diagnostics = diagnostics;
  }
}
