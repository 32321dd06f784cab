/**
 * Loop-based GF(2^m) multiply and square kernels for any reduction polynomial (Guide to ECC
 * 2.3: Algorithm 2.36 left-to-right comb with 4-bit windows, 2.39 table squaring, 2.40-style
 * word-wise reduction). They are the readable reference the generated, unrolled kernels
 * (src/crypto/generated/) are tested against, and a fallback for any other field.
 */
import type { Fe, FieldKernels } from "./binary-field.js";

/** SPREAD[b] = the bits of byte b moved to the even positions of a 16-bit word. */
export const SPREAD: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    let s = 0;
    for (let i = 0; i < 8; i++) if ((b >>> i) & 1) s |= 1 << (2 * i);
    t[b] = s;
  }
  return t;
})();

/** Reduces the 2W-word polynomial `c` in place modulo z^m + sum z^lower; result in c[0..W). */
function reduceInPlace(c: Uint32Array, m: number, lower: readonly number[], words: number): void {
  for (let i = 2 * words - 1; i >= words; i--) {
    const t = c[i];
    if (t === 0) continue;
    c[i] = 0;
    for (const e of lower) {
      const p = 32 * i - m + e;
      const w = p >>> 5;
      const s = p & 31;
      c[w] ^= t << s;
      if (s !== 0) c[w + 1] ^= t >>> (32 - s);
    }
  }
  const top = m & 31;
  const t = c[words - 1] >>> top;
  if (t !== 0) {
    c[words - 1] &= (1 << top) - 1;
    for (const e of lower) {
      const w = e >>> 5;
      const s = e & 31;
      c[w] ^= t << s;
      if (s !== 0) c[w + 1] ^= t >>> (32 - s);
    }
  }
}

/** Builds loop-based kernels for GF(2^m) with the given lower exponents. */
export function genericKernels(m: number, lower: readonly number[]): FieldKernels {
  const W = Math.ceil(m / 32);
  const c = new Uint32Array(2 * W + 1);
  const tab = new Uint32Array(16 * (W + 1));
  return {
    mul(out: Fe, a: Fe, b: Fe): void {
      // tab[u] = u(z) * b(z) for the 16 polynomials u of degree < 4.
      tab.fill(0);
      for (let u = 1; u < 16; u++) {
        const o = u * (W + 1);
        for (let bit = 0; bit < 4; bit++) {
          if (((u >>> bit) & 1) === 0) continue;
          for (let j = 0; j < W; j++) {
            tab[o + j] ^= b[j] << bit;
            if (bit !== 0) tab[o + j + 1] ^= b[j] >>> (32 - bit);
          }
        }
      }
      c.fill(0);
      for (let k = 7; k >= 0; k--) {
        for (let j = 0; j < W; j++) {
          const o = ((a[j] >>> (4 * k)) & 15) * (W + 1);
          for (let i = 0; i <= W; i++) c[j + i] ^= tab[o + i];
        }
        if (k !== 0) {
          for (let i = 2 * W; i > 0; i--) c[i] = (c[i] << 4) | (c[i - 1] >>> 28);
          c[0] <<= 4;
        }
      }
      reduceInPlace(c, m, lower, W);
      for (let i = 0; i < W; i++) out[i] = c[i];
    },
    sqr(out: Fe, a: Fe): void {
      for (let i = 0; i < W; i++) {
        const x = a[i];
        c[2 * i] = SPREAD[x & 0xff] | (SPREAD[(x >>> 8) & 0xff] << 16);
        c[2 * i + 1] = SPREAD[(x >>> 16) & 0xff] | (SPREAD[x >>> 24] << 16);
      }
      c[2 * W] = 0;
      reduceInPlace(c, m, lower, W);
      for (let i = 0; i < W; i++) out[i] = c[i];
    },
  };
}
