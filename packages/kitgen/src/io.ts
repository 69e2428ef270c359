/** Where the command line writes: stdout and stderr, as functions so tests can collect them. */
export interface Io {
  /** Normal output. */
  readonly out: (text: string) => void;
  /** Errors. */
  readonly err: (text: string) => void;
}
