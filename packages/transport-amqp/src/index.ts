/**
 * RabbitMQ (AMQP 0-9-1) transport for endpoints on amqplib: request/reply, confirmed events, dead-letter exchanges.
 *
 * @packageDocumentation
 */
export {};
