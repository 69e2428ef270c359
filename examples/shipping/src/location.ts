// Locations, Go kit's shipping/location: UN/LOCODEs, the sample locations, and their store.
import { Code, KitError } from "@kit/endpoint";

/** A location's UN/LOCODE, such as `SESTO` (Stockholm). */
export type UNLocode = string;

/** A place a cargo can go through. */
export interface Location {
  /** Its UN/LOCODE. */
  readonly unLocode: UNLocode;
  /** Its name. */
  readonly name: string;
}

/** The locations Go kit's in-memory repository holds, in Go kit's order. */
export const sampleLocations: readonly Location[] = [
  { unLocode: "SESTO", name: "Stockholm" },
  { unLocode: "AUMEL", name: "Melbourne" },
  { unLocode: "CNHKG", name: "Hongkong" },
  { unLocode: "JNTKO", name: "Tokyo" },
  { unLocode: "NLRTM", name: "Rotterdam" },
  { unLocode: "DEHAM", name: "Hamburg" },
];

/** Go kit's `location.ErrUnknown`. Kit makes it `invalid_argument` (a 400), where Go kit answered 500. */
export function unknownLocation(): KitError {
  return new KitError(Code.InvalidArgument, "unknown location");
}

/** Go kit's `location.Repository`. */
export interface LocationRepository {
  /** The location, or `unknown location`. */
  find(code: UNLocode): Location;
  /** Every location. */
  findAll(): readonly Location[];
}

/**
 * Go kit's in-memory location repository, holding {@link sampleLocations}.
 *
 * @example
 * ```ts
 * locationRepository().find("SESTO").name; // "Stockholm"
 * ```
 */
export function locationRepository(locations: readonly Location[] = sampleLocations): LocationRepository {
  const byCode = new Map(locations.map((l) => [l.unLocode, l]));
  return {
    find(code) {
      const found = byCode.get(code);
      if (found === undefined) throw unknownLocation();
      return found;
    },
    findAll: () => [...byCode.values()],
  };
}
