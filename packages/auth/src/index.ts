/**
 * Authentication for Kit endpoints, Go kit's `auth`: {@link basicAuth} checks HTTP Basic
 * credentials in constant time, {@link withAuthorization} and {@link setAuthorization} carry
 * the `Authorization` header between transports and the context. JWT lives in `@kit/auth/jwt`.
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
