/**
 * DNS SRV service discovery for `@kit/sd`, Go kit's `sd/dnssrv`: {@link dnsSrvInstancer}
 * looks up a name's SRV records on an interval with Node's resolver.
 *
 * @packageDocumentation
 */
export { dnsSrvInstancer, type DnsSrvInstancerOptions, type SrvResolver } from "./instancer.ts";
