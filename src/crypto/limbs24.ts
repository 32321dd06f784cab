/**
 * Fixed-width integer arithmetic on 24-bit limbs in Float64Arrays, for computing on secret
 * scalars without BigInt (whose multiply and divide take value-dependent steps): every loop
 * runs a count fixed by the array lengths, carries are taken with Math.floor, and a limb
 * product (< 2^48) plus a column of a dozen of them stays exact in a double (< 2^53).
 *
 * A number is little-endian limbs; normalized, every limb but the top one is in [0, 2^24) and
 * the top one carries the sign (two's complement in spirit: floor division all the way up).
 */
import { ZseError } from "../util/errors.js";

export const LIMB_BITS = 24;
export const BASE = 2 ** LIMB_BITS;
const INV_BASE = 2 ** -LIMB_BITS;
const HEX_PER_LIMB = LIMB_BITS / 4;

/**
 * Normalizes column sums (negative ones too): each limb brought into [0, 2^24) with its carry
 * moved up, the last limb keeping what reaches it (its sign included).
 */
export function normalize(v: Float64Array): void {
  let c = 0;
  const last = v.length - 1;
  for (let i = 0; i < last; i++) {
    const s = v[i] + c;
    c = Math.floor(s * INV_BASE);
    v[i] = s - c * BASE;
  }
  v[last] += c;
}

/** Like `normalize`, modulo 2^(24·length): the last limb brought into [0, 2^24) as well. */
export function normalizeMod(v: Float64Array): void {
  normalize(v);
  const last = v.length - 1;
  v[last] -= Math.floor(v[last] * INV_BASE) * BASE;
}

/** out[i + j] += sign · a[i] · b[j] for the limbs that fit in out (column sums, no carries). */
export function mulInto(out: Float64Array, a: Float64Array, b: Float64Array, sign = 1): void {
  const n = out.length;
  for (let i = 0; i < a.length; i++) {
    const ai = sign * a[i];
    for (let j = 0; j < b.length && i + j < n; j++) out[i + j] += ai * b[j];
  }
}

/** The limbs of a signed bigint (set-up constants; BigInt is fine there), normalized. */
export function limbsOf(v: bigint, count: number): Float64Array {
  const out = new Float64Array(count);
  const mask = BigInt(BASE - 1);
  const shift = BigInt(LIMB_BITS);
  for (let i = 0; i < count - 1; i++) {
    out[i] = Number(v & mask);
    v >>= shift;
  }
  out[count - 1] = Number(v);
  return out;
}

/**
 * Loads a secret non-negative bigint into `into` (its length in limbs) through one hex string
 * of a fixed length, refusing negative or too long values. The bigint-to-string step takes
 * time with the value's length; everything after it does not.
 */
export function loadSecret(into: Float64Array, v: bigint, name: string): void {
  const count = into.length;
  if (v < 0n || v >> BigInt(count * LIMB_BITS) !== 0n) {
    throw new ZseError("BAD_SCALAR", `${name}: outside [0, 2^${count * LIMB_BITS})`);
  }
  const hex = v.toString(16).padStart(count * HEX_PER_LIMB, "0");
  for (let i = 0; i < count; i++) {
    const start = hex.length - (i + 1) * HEX_PER_LIMB;
    let limb = 0;
    for (let d = 0; d < HEX_PER_LIMB; d++) {
      const ch = hex.charCodeAt(start + d);
      // '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66: the low nibble, plus 9 for the letters
      limb = limb * 16 + (ch & 0xf) + 9 * (ch >> 6);
    }
    into[i] = limb;
  }
}

/** "00".."ff" by byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The bigint of the first `count` limbs (normalized, non-negative), through fixed-length hex. */
export function bigintOf(v: Float64Array, count: number): bigint {
  let hex = "0x";
  for (let i = count - 1; i >= 0; i--) {
    const l = v[i];
    hex += BYTE_HEX[(l >>> 16) & 0xff] + BYTE_HEX[(l >>> 8) & 0xff] + BYTE_HEX[l & 0xff];
  }
  return BigInt(hex);
}
