/**
 * A GF(2)-linear map of GF(2^m) (such as a -> a^(2^k) or the half-trace) tabulated per nibble
 * (Guide to ECC 2.3.6 notes multi-squaring by table lookup): T[pos][v] = f(v * z^(4 pos)), so
 * f(a) is the XOR of one entry per nibble of a: about as costly as one multiplication whatever k.
 */
import { ZseError } from "../../util/errors.js";
import type { Fe } from "./binary-field.js";

export class NibbleTable {
  private readonly W: number;
  private readonly nibbles: number;
  private readonly T: Uint32Array;

  /** `basis(i, out)` writes f(z^i) into out, for 0 <= i < m. */
  constructor(o: { m: number; words: number; basis: (i: number, out: Fe) => void }) {
    if (o.words !== 6 && o.words !== 9) {
      throw new ZseError("BAD_VALUE", `NibbleTable: words ${o.words}, expected 6 or 9`);
    }
    this.W = o.words;
    this.nibbles = Math.ceil(o.m / 4);
    // 9 spare words: apply() always reads 9 words per entry (for W <= 9).
    this.T = new Uint32Array(this.nibbles * 16 * this.W + 9);
    const W = this.W;
    const img = new Uint32Array(W);
    for (let pos = 0; pos < this.nibbles; pos++) {
      for (let bit = 0; bit < 4; bit++) {
        const i = 4 * pos + bit;
        if (i >= o.m) break;
        img.fill(0);
        o.basis(i, img);
        // every nibble value containing this bit gets f(z^i) added
        for (let v = 1; v < 16; v++) {
          if (((v >>> bit) & 1) === 0) continue;
          const base = (pos * 16 + v) * W;
          for (let w = 0; w < W; w++) this.T[base + w] ^= img[w];
        }
      }
    }
  }

  /** out = f(a); out may alias a. Accumulates 9 words in locals (W <= 9; extra words ignored). */
  apply(out: Fe, a: Fe): void {
    const { W, T } = this;
    const n = this.nibbles;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    let c6 = 0;
    let c7 = 0;
    let c8 = 0;
    for (let pos = 0; pos < n; pos++) {
      const b = (((pos << 4) | ((a[pos >>> 3] >>> ((pos & 7) << 2)) & 15)) * W) | 0;
      c0 ^= T[b];
      c1 ^= T[b + 1];
      c2 ^= T[b + 2];
      c3 ^= T[b + 3];
      c4 ^= T[b + 4];
      c5 ^= T[b + 5];
      c6 ^= T[b + 6];
      c7 ^= T[b + 7];
      c8 ^= T[b + 8];
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
    out[4] = c4;
    out[5] = c5;
    if (W > 6) {
      out[6] = c6;
      out[7] = c7;
      out[8] = c8;
    }
  }
}
