/**
 * DNS SRV service discovery for @kit/sd: an instancer that polls SRV records with Node's resolver.
 *
 * @packageDocumentation
 */
export {};
