import { isKitError, type KitError } from "@kit/endpoint";

/** The KitError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<KitError> {
  const err: unknown = await promise.then(
    () => new Error("did not fail"),
    (e: unknown) => e,
  );
  if (isKitError(err)) return err;
  throw err;
}
