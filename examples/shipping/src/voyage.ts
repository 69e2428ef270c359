// Voyages, Go kit's shipping/voyage: only their numbers matter to this sample.
import { Code, KitError } from "@kit/endpoint";

/** A voyage's number, such as `V100`. */
export type VoyageNumber = string;

/** The voyages of Go kit's sample, including the ones its pathfinder hard-codes. */
export const sampleVoyages: readonly VoyageNumber[] = ["V100", "V300", "V400", "0100S", "0200T", "0300A", "0301S", "0400S"];

/** Go kit's `voyage.Repository`: whether a voyage exists. */
export interface VoyageRepository {
  /** Nothing when the voyage exists; `unknown voyage` (`invalid_argument`, Go kit: a 500) otherwise. */
  find(number: VoyageNumber): void;
}

/**
 * Go kit's in-memory voyage repository.
 *
 * @example
 * ```ts
 * voyageRepository().find("V100");
 * ```
 */
export function voyageRepository(numbers: readonly VoyageNumber[] = sampleVoyages): VoyageRepository {
  const known = new Set(numbers);
  return {
    find(number) {
      if (!known.has(number)) throw new KitError(Code.InvalidArgument, "unknown voyage");
    },
  };
}
