/**
 * Authorization for Kit endpoints with [Casbin](https://casbin.org) (an optional peer):
 * {@link casbinAuthorizer} asks an enforcer whether the caller may perform the request and
 * refuses it with `permission_denied` when the policy says no.
 *
 * @packageDocumentation
 */
import { Code, type Context, KitError, type Middleware } from "@kit/endpoint";

/**
 * What {@link casbinAuthorizer} needs of an enforcer: casbin's `Enforcer`, `CachedEnforcer`
 * and `SyncedEnforcer` (from `newEnforcer(model, adapter)`) are ones as they are.
 */
export interface CasbinEnforcer {
  /** Whether the request values (subject, object, action) are allowed by the policy. */
  enforce(...rvals: unknown[]): Promise<boolean> | boolean;
}

/**
 * One request value for the enforcer: a fixed value, or a function of the context and the
 * request. A string for RBAC and ACL models; any object for ABAC models (`r.sub.Age`).
 */
export type CasbinValue<Req> = string | object | ((ctx: Context, request: Req) => string | object | undefined);

/**
 * Why {@link casbinAuthorizer} refused a request, in the `reason` of the error's details:
 * the policy denies it (`permission_denied`); there is no subject, say no verified claims in
 * the context (`unauthenticated`); or the enforcer failed, say a model whose request
 * definition does not match (`internal`).
 */
export type CasbinReason = "denied" | "no_subject" | "enforcer_failed";

/** Options for {@link casbinAuthorizer}. */
export interface CasbinAuthorizerOptions<Req> {
  /**
   * The enforcer, or a function returning the one for this request (per tenant, or built from
   * a model and policy carried in the context, as Go kit's `casbin.NewEnforcer` does).
   */
  readonly enforcer: CasbinEnforcer | ((ctx: Context, request: Req) => CasbinEnforcer | Promise<CasbinEnforcer>);
  /** Who asks, typically `(ctx) => ctx.value(claimsKey)?.sub` after `jwtParser`; `undefined` refuses. */
  readonly subject: CasbinValue<Req>;
  /** What is accessed, such as `"/addsvc/sum"` or `(ctx, req) => req.account`. */
  readonly object: CasbinValue<Req>;
  /** What is done, such as `"sum"` or `"write"`. */
  readonly action: CasbinValue<Req>;
}

/**
 * Server middleware, Go kit's `casbin.NewEnforcer`: calls the enforcer's
 * `enforce(subject, object, action)` for each request and calls the endpoint only when it
 * returns `true`. Otherwise it
 * throws `KitError` `permission_denied` with `details.reason` `"denied"`; without a subject,
 * `unauthenticated` (`"no_subject"`); when the enforcer throws, `internal`
 * (`"enforcer_failed"`, the cause attached). See {@link CasbinReason}.
 *
 * @example
 * ```ts
 * const enforcer = await newEnforcer(newModelFromString(rbacModel), new StringAdapter("p, admin, /sum, call\ng, ann, admin"));
 * const authorized = casbinAuthorizer<SumReq, SumRes>({
 *   enforcer, subject: (ctx) => ctx.value(claimsKey)?.sub, object: "/sum", action: "call",
 * });
 * const endpoint = chain(jwtParser<SumReq, SumRes>(jwtOptions), authorized)(sum);
 * ```
 */
export function casbinAuthorizer<Req, Res>(options: CasbinAuthorizerOptions<Req>): Middleware<Req, Res> {
  const { enforcer } = options;
  const pick = typeof enforcer === "function" ? enforcer : (): CasbinEnforcer => enforcer;
  return (next) => async (ctx, request) => {
    const subject = resolve(options.subject, ctx, request);
    if (subject === undefined || subject === "") {
      throw new KitError(Code.Unauthenticated, "no subject to authorize", { details: { reason: "no_subject" satisfies CasbinReason } });
    }
    const object = resolve(options.object, ctx, request);
    const action = resolve(options.action, ctx, request);
    let allowed: boolean;
    try {
      allowed = await (await pick(ctx, request)).enforce(subject, object, action);
    } catch (err) {
      throw new KitError(Code.Internal, "authorization could not be decided", { details: { reason: "enforcer_failed" satisfies CasbinReason }, cause: err });
    }
    if (!allowed) {
      throw new KitError(Code.PermissionDenied, `permission denied: ${describe(subject)} may not ${describe(action)} ${describe(object)}`, {
        details: { reason: "denied" satisfies CasbinReason },
      });
    }
    return next(ctx, request);
  };
}

function resolve<Req>(value: CasbinValue<Req>, ctx: Context, request: Req): string | object | undefined {
  if (typeof value !== "function") return value;
  const fn = value as (ctx: Context, request: Req) => string | object | undefined;
  return fn(ctx, request);
}

function describe(value: string | object | undefined): string {
  return typeof value === "string" ? JSON.stringify(value) : value === undefined ? "(none)" : "(object)";
}
