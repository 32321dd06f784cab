/**
 * AES-128 (FIPS-197) under one key for many blocks, on OpenSSL cipher contexts from node:crypto
 * kept per key: ECB over any number of blocks in one call (the CTR keystream of CCM*), and a
 * CBC chain for CBC-MAC (the authentication of CCM*, Zigbee 05-3474 Annex A.2 / IEEE
 * 802.15.4-2006 Annex B). The key schedule is computed once per key instead of once per frame;
 * the block function stays OpenSSL's (constant-time).
 *
 * A keyed instance is found from the key's Uint8Array object (a WeakMap: it lives as long as
 * the caller keeps that key object) and its bytes are compared on every hit, so a key array
 * overwritten in place gets a new instance.
 */
import { type Cipher, createCipheriv } from "node:crypto";
import { abytes } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";

const ZERO_IV = new Uint8Array(16);

/** AES-128 encryption of blocks under one fixed key. */
export class AesKeyed {
  private readonly ecb: Cipher;
  /** Made on the first CBC-MAC (AES-MMO uses only the ECB context). */
  private cbc: Cipher | undefined;
  /** The last ciphertext block the CBC context produced (its running IV). */
  private readonly chain = new Uint8Array(16);
  /** A copy of the key, to detect a key array changed in place. */
  readonly key: Uint8Array;

  constructor(key: Uint8Array) {
    abytes(key, 16, "AES-128 key");
    this.key = Uint8Array.from(key);
    this.ecb = createCipheriv("aes-128-ecb", this.key, null);
    this.ecb.setAutoPadding(false);
  }

  /** E(K, B) for every 16-byte block of `blocks`, in one call. */
  encryptBlocks(blocks: Uint8Array): Uint8Array {
    if (blocks.length % 16 !== 0)
      throw new ZseError("BAD_LENGTH", `AES blocks: ${blocks.length} bytes, not a multiple of 16`);
    // a Buffer is a Uint8Array: returned as it is
    return this.ecb.update(blocks);
  }

  /**
   * CBC-MAC with a zero IV over `blocks` (a non-empty multiple of 16 bytes): the last block of
   * the CBC encryption. `blocks` is used as scratch (its first block is changed); the result
   * is this instance's own block, valid until its next call (copy it to keep it).
   */
  cbcMacInPlace(blocks: Uint8Array): Uint8Array {
    const n = blocks.length;
    if (n === 0 || n % 16 !== 0)
      throw new ZseError("BAD_LENGTH", `CBC-MAC input: ${n} bytes, not a non-empty multiple of 16`);
    // the context carries on from its previous message: cancel that IV on the first block
    if (!this.cbc) {
      this.cbc = createCipheriv("aes-128-cbc", this.key, ZERO_IV);
      this.cbc.setAutoPadding(false);
    }
    for (let i = 0; i < 16; i++) blocks[i] ^= this.chain[i];
    const out = this.cbc.update(blocks);
    for (let i = 0; i < 16; i++) this.chain[i] = out[n - 16 + i];
    return this.chain;
  }
}

const keyed = new WeakMap<Uint8Array, AesKeyed>();

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  let d = 0;
  for (let i = 0; i < 16; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** The keyed AES-128 instance of `key` (16 bytes), made on first use. */
export function aesKeyed(key: Uint8Array): AesKeyed {
  if (!(key instanceof Uint8Array && key.length === 16)) abytes(key, 16, "AES-128 key");
  let k = keyed.get(key);
  if (!k || !sameKey(k.key, key)) {
    k = new AesKeyed(key);
    keyed.set(key, k);
  }
  return k;
}
