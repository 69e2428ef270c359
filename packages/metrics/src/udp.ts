/**
 * For backend authors: {@link UdpSender}, which sends lines of text to a UDP receiver packed
 * into datagrams, as the StatsD and InfluxDB (UDP) backends do.
 *
 * @packageDocumentation
 */
export type { LineEnd } from "./udp/pack-lines.ts";
export { UdpSender, type UdpSenderOptions } from "./udp/udp-sender.ts";
