/**
 * Keep-Alive timing (SE 07-5356 §5.4.2.2.3.4): the client waits
 * `base · 60 + random(0..jitter)` seconds between reads, with both bounds of the random term
 * inclusive. The random term is drawn in whole milliseconds from the injected `Rng`, uniformly
 * over `0..jitter·1000` (rejection sampling, no modulo bias).
 */
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import {
  KEEPALIVE_BASE_MAX,
  KEEPALIVE_BASE_MIN,
  KEEPALIVE_JITTER_MAX,
  KEEPALIVE_JITTER_MIN,
} from "../zcl/ids.js";
import type { KeepAliveParams } from "./keepalive-types.js";

/** Uniform integer in `0..max` (both inclusive) from `rng`; `max` up to 2^32 - 1. */
export function uniformInt(rng: Rng, max: number): number {
  if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
    throw new ZseError("BAD_VALUE", `uniformInt: max ${max} is not an integer in 0..4294967295`);
  }
  if (max === 0) return 0;
  const n = max + 1;
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const b = rng.bytes(4);
    const v = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    if (v < limit) return v % n;
  }
}

/** Checks Base (1..255 minutes) and Jitter (0..512 seconds); throws BAD_VALUE naming the field. */
export function checkKeepAliveParams(p: KeepAliveParams, title = "keep-alive"): KeepAliveParams {
  if (!Number.isInteger(p.base) || p.base < KEEPALIVE_BASE_MIN || p.base > KEEPALIVE_BASE_MAX) {
    throw new ZseError("BAD_VALUE", `${title}: base ${p.base} is not an integer in 1..255 (minutes)`);
  }
  if (!Number.isInteger(p.jitter) || p.jitter < KEEPALIVE_JITTER_MIN || p.jitter > KEEPALIVE_JITTER_MAX) {
    throw new ZseError("BAD_VALUE", `${title}: jitter ${p.jitter} is not an integer in 0..512 (seconds)`);
  }
  return p;
}

/** Shortest interval the parameters allow (ms): base · 60 s. */
export function minIntervalMs(p: KeepAliveParams): number {
  return p.base * 60_000;
}

/** Longest interval the parameters allow (ms): base · 60 s + jitter s. */
export function maxIntervalMs(p: KeepAliveParams): number {
  return p.base * 60_000 + p.jitter * 1000;
}

/** One keep-alive interval in ms: base · 60 000 + uniform(0..jitter · 1000). */
export function drawIntervalMs(p: KeepAliveParams, rng: Rng): number {
  return minIntervalMs(p) + uniformInt(rng, p.jitter * 1000);
}
