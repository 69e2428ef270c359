import type { Context } from "@kit/endpoint";

/** The default codec of every client and server function: passes the value through unchanged. */
export const identity = <T>(_ctx: Context, value: T): T => value;
