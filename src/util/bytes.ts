/**
 * Byte helpers shared by every layer: hex in and out, concatenation, comparison and the
 * small input checks (`abytes`) that make every length error read the same.
 */
import { ZseError } from "./errors.js";

const HEX = "0123456789abcdef";

/** Lower-case hex, no separators. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return s;
}

/**
 * Parses hex that may carry spaces, colons, dashes or a 0x prefix ("83:FE d3-40").
 * Throws BAD_HEX naming `title` on any other character or an odd digit count.
 */
export function fromHex(text: string, title = "hex"): Uint8Array {
  let s = text.trim();
  if (/^0x/i.test(s)) s = s.slice(2);
  s = s.replace(/[\s:-]/g, "");
  if (!/^[0-9a-fA-F]*$/.test(s)) {
    const bad = s.match(/[^0-9a-fA-F]/)?.[0] ?? "?";
    throw new ZseError("BAD_HEX", `${title}: '${bad}' is not a hex digit in "${text}"`);
  }
  if (s.length % 2 !== 0) throw new ZseError("BAD_HEX", `${title}: odd number of hex digits (${s.length})`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** Checks that `value` is a Uint8Array of one of the allowed lengths; returns it. */
export function abytes(
  value: unknown,
  lengths: number | readonly number[] | undefined,
  title: string,
): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new ZseError("BAD_VALUE", `${title}: expected bytes`);
  if (lengths === undefined) return value;
  const allowed = typeof lengths === "number" ? [lengths] : lengths;
  if (!allowed.includes(value.length)) {
    throw new ZseError("BAD_LENGTH", `${title}: ${value.length} bytes, expected ${allowed.join(" or ")}`);
  }
  return value;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Byte equality in time that depends only on the lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** Overwrites a secret buffer with zeros (best effort: JavaScript may hold copies). */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const b of buffers) b?.fill(0);
}

/** Big-endian bytes to BigInt. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** BigInt to `length` big-endian bytes; throws if it does not fit. */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  if (n < 0n || n >> BigInt(length * 8) !== 0n) {
    throw new ZseError("BAD_VALUE", `integer does not fit in ${length} bytes`);
  }
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}
