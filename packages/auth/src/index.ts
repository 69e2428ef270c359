/**
 * Authentication for Kit endpoints, Go kit's `auth`: {@link basicAuth} checks HTTP Basic
 * credentials in constant time; {@link withAuthorization} and {@link setAuthorization} carry
 * the `Authorization` header between the context and HTTP or message headers, and
 * {@link withGrpcAuthorization} and {@link setGrpcAuthorization} between the context and gRPC
 * metadata. JWT lives in `@kit/auth/jwt`, Casbin authorization in `@kit/auth/casbin`.
 *
 * @packageDocumentation
 */
export { basicAuth, basicAuthClient, type BasicAuthOptions, type BasicAuthReason } from "./basic.ts";
export {
  authorizationKey,
  setAuthorization,
  withAuthorization,
  type HeaderGetter,
  type HeaderSetter,
  type HeaderSource,
  type HeaderTarget,
} from "./context.ts";
export {
  setGrpcAuthorization,
  withGrpcAuthorization,
  type MetadataGetter,
  type MetadataSetter,
  type MetadataSource,
  type MetadataTarget,
} from "./metadata.ts";
