// Go kit's profilesvc LoggingMiddleware: one line per call with the method, the ids, the time
// taken and the error.
import type { Logger } from "@kit/log";
import type { ProfileService } from "./service.ts";

const names: Readonly<Record<keyof ProfileService, string>> = {
  postProfile: "PostProfile",
  getProfile: "GetProfile",
  putProfile: "PutProfile",
  patchProfile: "PatchProfile",
  deleteProfile: "DeleteProfile",
  getAddresses: "GetAddresses",
  getAddress: "GetAddress",
  postAddress: "PostAddress",
  deleteAddress: "DeleteAddress",
};

/** The ids a call is about: the profile's (from the path or the body) and the address's. */
function idsOf(args: readonly unknown[]): unknown[] {
  const [first, second] = args;
  const profileID = typeof first === "string" ? first : (first as { id?: unknown } | undefined)?.id;
  const addressID = typeof second === "string" ? second : (second as { id?: unknown } | undefined)?.id;
  return addressID === undefined || typeof second !== "string" ? ["id", profileID] : ["profileID", profileID, "addressID", addressID];
}

/**
 * Logs every call, Go kit's `LoggingMiddleware`:
 * `method=GetProfile id=1 took=0.120ms err=null`.
 *
 * @example
 * ```ts
 * const svc = loggingMiddleware(logger)(profileService(memoryRepository()));
 * ```
 */
export function loggingMiddleware(logger: Logger): (next: ProfileService) => ProfileService {
  return (next) => {
    const wrapped: Record<string, unknown> = {};
    for (const method of Object.keys(names) as (keyof ProfileService)[]) {
      const call = Reflect.get(next, method) as (...args: unknown[]) => Promise<unknown>;
      wrapped[method] = async (ctx: unknown, ...args: unknown[]) => {
        const begin = performance.now();
        let err: unknown = null;
        try {
          return await Reflect.apply(call, next, [ctx, ...args]);
        } catch (e) {
          err = e;
          throw e;
        } finally {
          logger.log("method", names[method], ...idsOf(args), "took", `${(performance.now() - begin).toFixed(3)}ms`, "err", err);
        }
      };
    }
    return wrapped as unknown as ProfileService;
  };
}
