/**
 * The Matyas-Meyer-Oseas hash over AES-128 (Zigbee 05-3474 Annex B.6), as used by install
 * codes, ECQV (e = H(certificate)), the CBKE KDF and HMAC.
 *
 * H0 = 0^128; Hj = E(Hj-1, Mj) xor Mj. Padding (B.6): a 1 bit, zeros, then the message bit
 * length l. When l < 2^16 the length is 16 bits big-endian (the block ends ... l16); otherwise
 * it is 32 bits big-endian followed by 16 zero bits (... l32 0000). Messages of 2^32 bits or
 * more are outside the spec and refused.
 *
 * API in the hash-object style: `aesMmo(bytes)` and `aesMmo.create().update(a).update(b).digest()`.
 */
import { ZseError } from "../util/errors.js";
import { aesEncryptBlock } from "./aes.js";
import { AesKeyed } from "./aes-ecb.js";

export const AES_MMO_BLOCK = 16;

/** The AES instance of the all-zero key, H0: the key of every hash's first block. */
let zeroKeyed: AesKeyed | undefined;
function zeroKey(): AesKeyed {
  zeroKeyed ??= new AesKeyed(new Uint8Array(16));
  return zeroKeyed;
}

/**
 * An incremental AES-MMO computation. Each block is E(H, M) under the chaining value H as the
 * key, so each needs an AES key schedule: node:crypto gives a new cipher object for that
 * (several µs, and a weak handle for the garbage collector). Where H is known in advance (H0 =
 * 0 for the first block; a state kept with `keep()`) one cipher context serves every hash.
 */
export class AesMmo {
  private h = new Uint8Array(16);
  /** A keyed AES instance for the current H, when one is at hand. */
  private keyed: AesKeyed | undefined = zeroKey();
  private buf = new Uint8Array(16);
  private bufLen = 0;
  private total = 0; // bytes
  private done = false;

  /** Absorbs more message bytes. */
  update(data: Uint8Array): this {
    if (this.done) throw new ZseError("BAD_STATE", "aesMmo: update() after digest()");
    this.total += data.length;
    if (this.total >= 2 ** 29) throw new ZseError("BAD_LENGTH", "aesMmo: message of 2^32 bits or more");
    let i = 0;
    if (this.bufLen > 0) {
      const take = Math.min(16 - this.bufLen, data.length);
      this.buf.set(data.subarray(0, take), this.bufLen);
      this.bufLen += take;
      i = take;
      if (this.bufLen < 16) return this;
      this.block(this.buf);
      this.bufLen = 0;
    }
    for (; i + 16 <= data.length; i += 16) this.block(data.subarray(i, i + 16));
    if (i < data.length) {
      this.buf.set(data.subarray(i), 0);
      this.bufLen = data.length - i;
    }
    return this;
  }

  /** An independent copy of this computation's state (to reuse a common prefix). */
  clone(): AesMmo {
    const c = new AesMmo();
    c.h.set(this.h);
    c.buf.set(this.buf);
    c.bufLen = this.bufLen;
    c.total = this.total;
    c.done = this.done;
    c.keyed = this.keyed;
    return c;
  }

  /**
   * Keeps a cipher context for the current chaining value, so that this computation's clones
   * encrypt their next block without a new key schedule (HMAC's keyed inner and outer states,
   * used for two MACs in every CBKE side).
   */
  keep(): this {
    this.keyed ??= new AesKeyed(this.h);
    return this;
  }

  /** Pads (B.6), finishes and returns the 16-byte digest. The object cannot be reused. */
  digest(): Uint8Array {
    if (this.done) throw new ZseError("BAD_STATE", "aesMmo: digest() called twice");
    this.done = true;
    const bits = this.total * 8;
    const long = bits >= 2 ** 16;
    const trailer = long ? 6 : 2;
    // 0x80, zeros until the trailer ends a block.
    const padLen = (((16 - ((this.total + 1 + trailer) % 16)) % 16) + 1 + trailer) | 0;
    const pad = new Uint8Array(padLen);
    pad[0] = 0x80;
    if (long) {
      pad[padLen - 6] = (bits >>> 24) & 0xff;
      pad[padLen - 5] = (bits >>> 16) & 0xff;
      pad[padLen - 4] = (bits >>> 8) & 0xff;
      pad[padLen - 3] = bits & 0xff;
    } else {
      pad[padLen - 2] = (bits >>> 8) & 0xff;
      pad[padLen - 1] = bits & 0xff;
    }
    const saved = this.total;
    this.done = false;
    this.update(pad);
    this.done = true;
    this.total = saved;
    return this.h.slice();
  }

  private block(m: Uint8Array): void {
    const e = this.keyed ? this.keyed.encryptBlocks(m) : aesEncryptBlock(this.h, m);
    this.keyed = undefined;
    for (let j = 0; j < 16; j++) this.h[j] = e[j] ^ m[j];
  }
}

/** AES-MMO digest of `message` (16 bytes). `aesMmo.create()` starts an incremental one. */
export const aesMmo: ((message: Uint8Array) => Uint8Array) & {
  create(): AesMmo;
  blockLen: 16;
  outputLen: 16;
} = Object.assign((message: Uint8Array) => new AesMmo().update(message).digest(), {
  create: () => new AesMmo(),
  blockLen: 16 as const,
  outputLen: 16 as const,
});
