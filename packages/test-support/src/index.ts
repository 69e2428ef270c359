/**
 * What Kit's fault tests share to run a broker of their own, on 127.0.0.1 and a port of its own,
 * never the machine's shared one: {@link startOwnBroker} starts one from its command line and
 * configuration and waits (bounded) until it answers; the {@link OwnBroker} it gives stops,
 * kills, freezes, thaws and restarts it on the same port and data, and deletes its temporary
 * directory. {@link startOwnRabbitMq} is the RabbitMQ node two packages' tests share;
 * {@link startCutProxy} cuts a client off a running broker; {@link until} polls a condition until
 * it holds or a timeout has passed, the one wait every package's tests share. Private:
 * never published, used only by the workspace's tests.
 *
 * @packageDocumentation
 */
export { accepts } from "./accepts.ts";
export { answersHttp } from "./answers-http.ts";
export { startCutProxy, type CutProxy } from "./cut-proxy.ts";
export type { AwayOptions } from "./away.ts";
export { freePort } from "./free-port.ts";
export { startOwnBroker, type BrokerCommand, type OwnBroker, type OwnBrokerOptions, type RestartOptions, type StopSignal } from "./own-broker.ts";
export { startOwnRabbitMq, type OwnRabbitMq, type OwnRabbitMqOptions } from "./rabbitmq.ts";
export { until, type UntilOptions } from "./until.ts";
