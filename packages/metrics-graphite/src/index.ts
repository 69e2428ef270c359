/**
 * The Graphite backend for @kit/metrics: plaintext protocol over TCP, flushed on an interval.
 *
 * @packageDocumentation
 */
export {};
