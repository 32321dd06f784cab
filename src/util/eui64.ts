/**
 * IEEE EUI-64 addresses. Zigbee shows them big-endian ("0a0b0c0d0e0f1012", the order the
 * certificate subject field and Wireshark use); frames carry them little-endian.
 */
import { fromHex, toHex } from "./bytes.js";
import { ZseError } from "./errors.js";

/** Parses an EUI-64 written as 16 hex digits (separators allowed); returns 8 big-endian bytes. */
export function parseEui64(text: string, title = "EUI-64"): Uint8Array {
  let b: Uint8Array;
  try {
    b = fromHex(text, title);
  } catch {
    throw new ZseError("BAD_VALUE", `${title}: "${text}" is not an EUI-64 (16 hex digits)`);
  }
  if (b.length !== 8) throw new ZseError("BAD_VALUE", `${title}: "${text}" is not an EUI-64 (16 hex digits)`);
  return b;
}

/** 8 big-endian bytes to lower-case hex. */
export function eui64ToHex(b: Uint8Array): string {
  return toHex(b);
}

/** Big-endian EUI-64 bytes to a BigInt (for arithmetic such as batch subjects). */
export function eui64ToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** BigInt to 8 big-endian EUI-64 bytes. */
export function bigIntToEui64(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 64n) throw new ZseError("BAD_VALUE", "EUI-64 out of range");
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** Reverses bytes (big-endian display order <-> little-endian wire order). */
export function reversed(b: Uint8Array): Uint8Array {
  return Uint8Array.from(b).reverse();
}
