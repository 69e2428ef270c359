import type { ServeLogger } from "../serve-transports.ts";

/** How {@link runProgram} runs a program: what kitgen's `<Service>RunOptions` is. */
export interface RunOptions<Options> {
  /** Gets the error that ends the program, and the shutdown's lines. */
  readonly logger: ServeLogger;
  /**
   * Starts the program, given the options the transports' flags set and every flag's value
   * (`flag("zipkin-url")`); what it passes to `defer` is closed on the way out, last first.
   */
  start(options: Options, flag: (name: string) => string | undefined, defer: (close: () => Promise<unknown>) => void): Promise<unknown>;
  /** More flags the program reads, and what each is, such as `{ "zipkin-url": "Zipkin's spans URL" }`. */
  readonly flags?: Readonly<Record<string, string>>;
  /** A flag's value when neither it nor its environment variable is given, such as `{ "http-addr": "127.0.0.1:8081" }`. */
  readonly defaults?: Readonly<Record<string, string>>;
  /** How the program is run, the usage's first words; default `node <script>`, relative to the working directory. */
  readonly program?: string;
  /** The arguments; default `process.argv.slice(2)`. */
  readonly args?: readonly string[];
  /** The environment; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The flags of a program's transports: kitgen's `<service>Flags` and their help. */
export interface ProgramFlags<Options> {
  /** Each flag, and the option of `start`'s first argument it sets, such as `{ "http-addr": "http" }`. */
  readonly options: Readonly<Record<string, keyof Options>>;
  /** What each flag of `options` is, for the usage, such as `{ "http-addr": "HTTP's host:port" }`. */
  readonly help: Readonly<Record<string, string>>;
}
