import { ROOT_CONTEXT, trace, type Context as OtelContext, type Span } from "@opentelemetry/api";

/**
 * An OpenTelemetry context that holds one value over a parent it reads every other value
 * from. The API's own context copies its parent's map and makes three closures each time a
 * value is set, which is most of what `traceEndpoint` costs on top of the SDK's span; a layer
 * is one small object. Like the API's, it is immutable: setting or deleting a value makes a
 * new layer, so it can go anywhere an OpenTelemetry context goes (`context.with`, a tracer, a
 * propagator).
 */
class Layer implements OtelContext {
  readonly #parent: OtelContext;
  readonly #key: symbol | undefined;
  readonly #value: unknown;

  constructor(parent: OtelContext, key: symbol | undefined, value: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  getValue(key: symbol): unknown {
    return key === this.#key ? this.#value : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): OtelContext {
    return new Layer(this, key, value);
  }

  deleteValue(key: symbol): OtelContext {
    return new Layer(this, key, undefined);
  }
}

/** The root context as a layer that holds nothing, so a span set on it is one layer. */
const root = new Layer(ROOT_CONTEXT, undefined, undefined);

/**
 * `parent` with `span` as its span: what `trace.setSpan(parent, span)` gives, without copying
 * `parent`'s values.
 */
export function withSpan(parent: OtelContext, span: Span): OtelContext {
  const base = parent === ROOT_CONTEXT ? root : parent instanceof Layer ? parent : new Layer(parent, undefined, undefined);
  return trace.setSpan(base, span);
}
