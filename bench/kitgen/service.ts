// The add service's interface as kitgen reads it for bench/kitgen.bench.ts: addsvc's AddService,
// written out so that the generated code depends on nothing in examples/.
import type { Context } from "@kit/endpoint";

/** Go kit's add service. */
export interface AddService {
  /** Sums two integers. */
  sum(ctx: Context, a: number, b: number): Promise<number>;
  /** Concatenates two strings. */
  concat(ctx: Context, a: string, b: string): Promise<string>;
}
