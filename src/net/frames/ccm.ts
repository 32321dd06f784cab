/**
 * AES-CCM* as Zigbee uses it (05-3474 4.3.1.1 / 4.4.1.1 and Annex A; IEEE 802.15.4-2006 7.6.3):
 * security level 5 (ENC-MIC-32), a 4-byte MIC, L = 2, and the 13-byte nonce of 05-3474 4.5.2.2
 * = source EUI-64 (little-endian) || frame counter (little-endian) || security control.
 *
 * For the encrypting levels CCM* is plain CCM (RFC 3610; 05-3474 A.2 / 802.15.4 B.4.1): the
 * tag T is the CBC-MAC of B0 || l(a) || a || m (zero-padded to blocks), B0 = flags || nonce ||
 * l(m) with flags 0x40 (a present) | ((M - 2) / 2) << 3 | (L - 1); the keystream blocks are
 * E(K, A_i), A_i = (L - 1) || nonce || i (16-bit); ciphertext = m xor S_1.., the sent MIC is
 * T xor S_0. The AES block function runs on per-key OpenSSL contexts (crypto/aes-ecb.ts): one
 * CBC call for the MAC and one ECB call for the whole keystream per frame.
 */
import { type AesKeyed, aesKeyed } from "../../crypto/aes-ecb.js";
import { abytes } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { frameBytes } from "./cursor.js";

/** `abytes(v, n, title)` with the valid case checked inline (abytes allocates for a length). */
function exact(v: Uint8Array, n: number, title: string): void {
  if (!(v instanceof Uint8Array && v.length === n)) abytes(v, n, title);
}

/** Length of the MIC at security level 5 (ENC-MIC-32). */
export const MIC_LENGTH = 4;
/** Zigbee security level 5: encryption and a 32-bit MIC (05-3474 Table 4.38). */
export const SECURITY_LEVEL_ENC_MIC_32 = 5;

/**
 * The CCM* nonce (05-3474 4.5.2.2, Figure 4.21): `source` is the sender's EUI-64 in display
 * (big-endian) order; it goes on the nonce little-endian, then the frame counter little-endian,
 * then the security control byte with the real security level in it.
 */
export function ccmNonce(o: {
  source: Uint8Array;
  frameCounter: number;
  securityControl: number;
}): Uint8Array {
  const { source, frameCounter, securityControl } = o;
  exact(source, 8, "nonce source EUI-64");
  if (!Number.isInteger(frameCounter) || frameCounter < 0 || frameCounter > 0xffffffff) {
    throw new ZseError("BAD_VALUE", `nonce frame counter: ${frameCounter} is not a 32-bit unsigned integer`);
  }
  const n = new Uint8Array(13);
  for (let i = 0; i < 8; i++) n[i] = source[7 - i];
  n[8] = frameCounter & 0xff;
  n[9] = (frameCounter >>> 8) & 0xff;
  n[10] = (frameCounter >>> 16) & 0xff;
  n[11] = frameCounter >>> 24;
  n[12] = securityControl & 0xff;
  return n;
}

export interface CcmInput {
  /** The 128-bit key actually used (network key, link key, or a key derived from it). */
  key: Uint8Array;
  /** 13-byte nonce from `ccmNonce`. */
  nonce: Uint8Array;
  /** Authenticated-only data (the layer header and auxiliary header). */
  aad: Uint8Array;
  /** MIC length M: 4 (Zigbee's level 5, the default), 8 or 16. */
  micLength?: 4 | 8 | 16;
}

/** L = 2: the message length field of B0 and the block counter of A_i are 16 bits. */
const L = 2;

function micLengthOf(input: CcmInput): number {
  const m = input.micLength ?? MIC_LENGTH;
  if (m !== 4 && m !== 8 && m !== 16)
    throw new ZseError("BAD_VALUE", `CCM* MIC length: ${m} (4, 8 or 16 bytes)`);
  return m;
}

function checkInput(input: CcmInput, messageLength: number): void {
  exact(input.key, 16, "CCM* key");
  exact(input.nonce, 13, "CCM* nonce");
  abytes(input.aad, undefined, "CCM* authenticated data");
  if (input.aad.length >= 0xff00)
    throw new ZseError("BAD_LENGTH", `CCM* authenticated data: ${input.aad.length} bytes, at most 65279`);
  if (messageLength > 0xffff)
    throw new ZseError("BAD_LENGTH", `CCM* message: ${messageLength} bytes, at most 65535 with L = 2`);
}

const pad16 = (n: number) => (n + 15) & ~15;

/** Scratch for the CBC-MAC input and the counter blocks, reused by every call (grown on demand). */
let scratch = new Uint8Array(512);
/** Views of the scratch by length in blocks (no view allocated per call). */
let scratchViews: Uint8Array[] = [];
function scratchOf(n: number): Uint8Array {
  if (scratch.length < n) {
    scratch = new Uint8Array(pad16(2 * n));
    scratchViews = [];
  }
  let s = scratchViews[n >> 4];
  if (!s) {
    s = scratch.subarray(0, n);
    scratchViews[n >> 4] = s;
  }
  s.fill(0);
  return s;
}

/**
 * The CBC-MAC of B0 || l(a) || a || m, all zero-padded to blocks (T is its first M bytes), with
 * a = aad[aadStart, aadStart + aadLength) and m = msg[msgStart, msgStart + msgLength).
 */
function authTag(
  aes: AesKeyed,
  nonce: Uint8Array,
  aad: Uint8Array,
  aadStart: number,
  aadLength: number,
  msg: Uint8Array,
  msgStart: number,
  msgLength: number,
  m: number,
  /** Index into `aad` of one byte authenticated as `patchValue` instead (-1: none). */
  patchAt = -1,
  patchValue = 0,
): Uint8Array {
  const a = aadLength;
  const aadBlocks = a > 0 ? pad16(2 + a) : 0;
  const buf = scratchOf(16 + aadBlocks + pad16(msgLength));
  buf[0] = (a > 0 ? 0x40 : 0) | (((m - 2) / 2) << 3) | (L - 1);
  for (let i = 0; i < 13; i++) buf[1 + i] = nonce[i];
  buf[14] = msgLength >> 8;
  buf[15] = msgLength & 0xff;
  if (a > 0) {
    buf[16] = a >> 8;
    buf[17] = a & 0xff;
    for (let i = 0; i < a; i++) buf[18 + i] = aad[aadStart + i];
    if (patchAt >= 0) buf[18 + patchAt - aadStart] = patchValue;
  }
  const o = 16 + aadBlocks;
  for (let i = 0; i < msgLength; i++) buf[o + i] = msg[msgStart + i];
  return aes.cbcMacInPlace(buf);
}

/** S_0 || S_1 || ... || S_k, k = ceil(length / 16): E(K, A_i) for every counter block at once. */
function keystream(aes: AesKeyed, nonce: Uint8Array, length: number): Uint8Array {
  const blocks = 1 + ((length + 15) >> 4);
  const a = scratchOf(blocks * 16);
  for (let i = 0; i < blocks; i++) {
    const o = i * 16;
    a[o] = L - 1;
    for (let j = 0; j < 13; j++) a[o + 1 + j] = nonce[j];
    a[o + 14] = i >> 8;
    a[o + 15] = i & 0xff;
  }
  return aes.encryptBlocks(a);
}

/** Encrypts `plaintext` and returns ciphertext || MIC (4 bytes unless `micLength` says). */
export function ccmStarEncrypt(input: CcmInput & { plaintext: Uint8Array }): Uint8Array {
  const p = input.plaintext;
  checkInput(input, abytes(p, undefined, "CCM* plaintext").length);
  const m = micLengthOf(input);
  const { nonce, aad } = input;
  const aes = aesKeyed(input.key);
  const tag = authTag(aes, nonce, aad, 0, aad.length, p, 0, p.length, m);
  const s = keystream(aes, nonce, p.length);
  const out = frameBytes(p.length + m);
  for (let i = 0; i < p.length; i++) out[i] = p[i] ^ s[16 + i];
  for (let i = 0; i < m; i++) out[p.length + i] = tag[i] ^ s[i];
  return out;
}

/**
 * CCM* over part of a buffer in place (05-3474 A.2.2 / A.2.3), for frames built in one
 * buffer: a = buf[aadStart, dataStart), m = buf[dataStart, dataEnd) becomes the ciphertext,
 * and the MIC (T xor S_0, 4 bytes unless `micLength` says) is returned.
 */
export function ccmStarSealRange(o: {
  key: Uint8Array;
  nonce: Uint8Array;
  buf: Uint8Array;
  aadStart: number;
  dataStart: number;
  dataEnd: number;
  micLength?: 4 | 8 | 16;
}): Uint8Array {
  const { key, nonce, buf, aadStart, dataStart, dataEnd } = o;
  if (!(aadStart >= 0 && aadStart <= dataStart && dataStart <= dataEnd && dataEnd <= buf.length)) {
    throw new ZseError(
      "BAD_VALUE",
      `CCM* ranges: a [${aadStart}, ${dataStart}), m [${dataStart}, ${dataEnd}) outside ${buf.length} bytes`,
    );
  }
  const n = dataEnd - dataStart;
  exact(key, 16, "CCM* key");
  exact(nonce, 13, "CCM* nonce");
  if (dataStart - aadStart >= 0xff00 || n > 0xffff)
    throw new ZseError("BAD_LENGTH", `CCM* data: ${dataStart - aadStart} + ${n} bytes, too long`);
  const m = micLengthOf({ key, nonce, aad: buf, micLength: o.micLength });
  const aes = aesKeyed(key);
  const tag = authTag(aes, nonce, buf, aadStart, dataStart - aadStart, buf, dataStart, n, m);
  const s = keystream(aes, nonce, n);
  for (let i = 0; i < n; i++) buf[dataStart + i] ^= s[16 + i];
  const mic = new Uint8Array(m);
  for (let i = 0; i < m; i++) mic[i] = tag[i] ^ s[i];
  return mic;
}

/**
 * Decrypts and checks a secured layer inside a received frame, reading it in place: a =
 * buf[aadStart, dataStart) (with the byte at `patch.at` authenticated as `patch.value`: the
 * security level a receiver puts back, 05-3474 4.3.1.2 step 3), ciphertext || MIC =
 * buf[dataStart, end). Returns the plaintext, or undefined when the MIC does not verify.
 */
export function ccmStarOpenRange(o: {
  key: Uint8Array;
  nonce: Uint8Array;
  buf: Uint8Array;
  aadStart: number;
  dataStart: number;
  end: number;
  patch?: { at: number; value: number };
  micLength?: 4 | 8 | 16;
}): Uint8Array | undefined {
  const { key, nonce, buf, aadStart, dataStart, end, patch } = o;
  if (!(aadStart >= 0 && aadStart <= dataStart && dataStart <= end && end <= buf.length)) {
    throw new ZseError(
      "BAD_VALUE",
      `CCM* ranges: a [${aadStart}, ${dataStart}), sealed [${dataStart}, ${end}) outside ${buf.length} bytes`,
    );
  }
  if (patch && !(patch.at >= aadStart && patch.at < dataStart))
    throw new ZseError("BAD_VALUE", `CCM* patched byte: ${patch.at} is not in a [${aadStart}, ${dataStart})`);
  exact(key, 16, "CCM* key");
  exact(nonce, 13, "CCM* nonce");
  const m = micLengthOf({ key, nonce, aad: buf, micLength: o.micLength });
  const sealedLength = end - dataStart;
  if (sealedLength < m) {
    throw new ZseError("BAD_FRAME", `secured payload: ${sealedLength} bytes, shorter than the ${m}-byte MIC`);
  }
  const n = sealedLength - m;
  if (dataStart - aadStart >= 0xff00)
    throw new ZseError("BAD_LENGTH", `CCM* authenticated data: ${dataStart - aadStart} bytes, at most 65279`);
  const aes = aesKeyed(key);
  const s = keystream(aes, nonce, n);
  const plain = frameBytes(n);
  for (let i = 0; i < n; i++) plain[i] = buf[dataStart + i] ^ s[16 + i];
  const tag = authTag(
    aes,
    nonce,
    buf,
    aadStart,
    dataStart - aadStart,
    plain,
    0,
    n,
    m,
    patch ? patch.at : -1,
    patch ? patch.value : 0,
  );
  // constant-time comparison of the received MIC with T xor S_0
  let diff = 0;
  for (let i = 0; i < m; i++) diff |= buf[dataStart + n + i] ^ tag[i] ^ s[i];
  if (diff !== 0) {
    plain.fill(0);
    return undefined;
  }
  return plain;
}

/**
 * CCM* over `data` in place: `data` becomes the ciphertext and the MIC is returned.
 * `aad` and `data` must not overlap.
 */
export function ccmStarSealInPlace(input: CcmInput & { data: Uint8Array }): Uint8Array {
  const d = input.data;
  checkInput(input, d.length);
  const m = micLengthOf(input);
  const { nonce, aad } = input;
  const aes = aesKeyed(input.key);
  const tag = authTag(aes, nonce, aad, 0, aad.length, d, 0, d.length, m);
  const s = keystream(aes, nonce, d.length);
  for (let i = 0; i < d.length; i++) d[i] ^= s[16 + i];
  const mic = new Uint8Array(m);
  for (let i = 0; i < m; i++) mic[i] = tag[i] ^ s[i];
  return mic;
}

/**
 * Decrypts ciphertext || MIC. Returns the plaintext, or undefined when the MIC does not verify
 * (wrong key, wrong nonce or altered bytes). Throws BAD_FRAME when there is no room for a MIC.
 */
export function ccmStarDecrypt(input: CcmInput & { sealed: Uint8Array }): Uint8Array | undefined {
  const { sealed } = input;
  abytes(sealed, undefined, "CCM* sealed payload");
  const m = micLengthOf(input);
  checkInput(input, Math.max(0, sealed.length - m));
  if (sealed.length < m) {
    throw new ZseError(
      "BAD_FRAME",
      `secured payload: ${sealed.length} bytes, shorter than the ${m}-byte MIC`,
    );
  }
  const n = sealed.length - m;
  const aes = aesKeyed(input.key);
  const s = keystream(aes, input.nonce, n);
  const plain = frameBytes(n);
  for (let i = 0; i < n; i++) plain[i] = sealed[i] ^ s[16 + i];
  const tag = authTag(aes, input.nonce, input.aad, 0, input.aad.length, plain, 0, n, m);
  // constant-time comparison of the received MIC with T xor S_0
  let diff = 0;
  for (let i = 0; i < m; i++) diff |= sealed[n + i] ^ tag[i] ^ s[i];
  if (diff !== 0) {
    plain.fill(0);
    return undefined;
  }
  return plain;
}
