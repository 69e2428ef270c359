/**
 * OpenTelemetry tracing for Kit: a span per endpoint call, and W3C trace-context hooks for every transport.
 *
 * @packageDocumentation
 */
export {};
