import { type Context, withValue } from "@kit/endpoint";
import { authorizationKey } from "./context.ts";

/**
 * gRPC metadata as far as reading goes, such as grpc-js `Metadata`: every value of a key,
 * strings or (for `-bin` keys) bytes.
 */
export interface MetadataGetter {
  /** All values of the key, an empty array when there is none. */
  get(key: string): readonly (string | Uint8Array)[];
}

/** gRPC metadata as far as writing goes, such as grpc-js `Metadata`. */
export interface MetadataSetter {
  /** Sets the key to this one value, replacing any it had. */
  set(key: string, value: string): void;
}

/**
 * Where {@link withGrpcAuthorization} reads: gRPC metadata (grpc-js `Metadata`), or an object
 * that carries it as `metadata` (a grpc-js server call such as `ServerUnaryCall`).
 */
export type MetadataSource =
  | MetadataGetter
  | {
      /** The call's request metadata. */
      readonly metadata: MetadataGetter;
    };

/** Where {@link setGrpcAuthorization} writes: gRPC metadata, or an object carrying it as `metadata`. */
export type MetadataTarget =
  | MetadataSetter
  | {
      /** The outgoing call's metadata. */
      readonly metadata: MetadataSetter;
    };

/**
 * Server hook for gRPC, Go kit's `jwt.GRPCToContext`: copies the `authorization` metadata
 * value into the context under {@link authorizationKey}, for `basicAuth` or `jwtParser` to
 * check. Several values are joined with `", "` (and then fail as malformed rather than pick
 * one); the context is returned unchanged when there is none. Needs no gRPC dependency: any
 * object with grpc-js `Metadata`'s `get` will do.
 *
 * @example
 * ```ts
 * // in a grpc-js handler, or as a transport `before` hook that receives the metadata
 * const ctx = withGrpcAuthorization(background(), call.metadata);
 * ```
 */
export function withGrpcAuthorization(ctx: Context, carrier: MetadataSource): Context {
  const metadata = "get" in carrier ? carrier : carrier.metadata;
  const values = metadata.get("authorization").map((v) => (typeof v === "string" ? v : Buffer.from(v).toString("utf8")));
  return values.length === 0 ? ctx : withValue(ctx, authorizationKey, values.join(", "));
}

/**
 * Client hook for gRPC, Go kit's `jwt.ContextToGRPC`: writes the context's
 * {@link authorizationKey} value, if any, as the `authorization` metadata of the outgoing
 * call, and returns the context.
 *
 * @example
 * ```ts
 * const metadata = new Metadata();
 * setGrpcAuthorization(ctx, metadata); // after jwtSigner or basicAuthClient put a value in ctx
 * client.sum(request, metadata, callback);
 * ```
 */
export function setGrpcAuthorization(ctx: Context, carrier: MetadataTarget): Context {
  const value = ctx.value(authorizationKey);
  if (value !== undefined) ("set" in carrier ? carrier : carrier.metadata).set("authorization", value);
  return ctx;
}
