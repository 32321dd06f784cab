/**
 * Injected randomness. Protocol code never calls Math.random() or crypto.randomBytes()
 * directly: it takes an `Rng`, so the simulator replays exactly from a seed while real use
 * gets node:crypto.
 */
import { randomBytes } from "node:crypto";

export interface Rng {
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

/** Cryptographic randomness from node:crypto. */
export const cryptoRng: Rng = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
};

/**
 * A deterministic generator (xoshiro128**, seeded through splitmix32) for simulations and
 * tests. Not for keys outside a simulation.
 */
export class SeededRng implements Rng {
  private s = new Uint32Array(4);
  constructor(seed: number | string) {
    let x = typeof seed === "number" ? seed >>> 0 : hashString(seed);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }
  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextU32() / 2 ** 32;
  }
  /** Uniform integer in [0, n) for n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextU32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
