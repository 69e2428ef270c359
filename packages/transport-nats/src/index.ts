/**
 * NATS transport for endpoints: core request/reply, JetStream durable consumers and publishers, NATS services (micro).
 *
 * @packageDocumentation
 */
export {};
