/**
 * Zigbee frame security shared by NWK and APS (05-3474 4.5.1 auxiliary frame header, 4.3.1 and
 * 4.4.1 secured frame processing):
 *
 * - security control (1 byte): bits 0-2 security level, bits 3-4 key identifier
 *   (0 data/link key, 1 network key, 2 key-transport key, 3 key-load key), bit 5 extended nonce;
 * - frame counter (4 bytes, little-endian);
 * - source address (8 bytes, little-endian) when extended nonce is set;
 * - key sequence number (1 byte) when the key identifier is the network key.
 *
 * The secured frame is header || auxiliary header || encrypted payload || MIC-32. The MIC covers
 * header || auxiliary header as authenticated data with the real security level (5) in the
 * security control; on air that level is overwritten with 0 (4.3.1.1 step 8, 4.4.1.1), and the
 * receiver puts it back before checking (4.3.1.2 step 3).
 */
import { keyLoadKey, keyTransportKey } from "../../crypto/hmac.js";
import { abytes, toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import {
  ccmNonce,
  ccmStarDecrypt,
  ccmStarOpenRange,
  ccmStarSealRange,
  SECURITY_LEVEL_ENC_MIC_32,
} from "./ccm.js";
import { type FrameReader, FrameWriter } from "./cursor.js";

/** Key identifier sub-field of the security control (05-3474 Table 4.39). */
export const KeyId = {
  data: 0,
  network: 1,
  keyTransport: 2,
  keyLoad: 3,
} as const;
export type KeyIdentifier = (typeof KeyId)[keyof typeof KeyId];

/** The auxiliary frame header as read from or written to the air. */
export interface AuxHeader {
  /** Security level as carried on air (0 in Zigbee PRO; the real level 5 is implied). */
  levelOnAir: number;
  keyId: KeyIdentifier;
  extendedNonce: boolean;
  frameCounter: number;
  /** Sender EUI-64 (big-endian display order), present when extendedNonce is set. */
  source?: Uint8Array;
  /** Network key sequence number, present when keyId is the network key. */
  keySequence?: number;
}

/** Security control byte (05-3474 Figure 4.20). */
export function securityControl(o: { level: number; keyId: KeyIdentifier; extendedNonce: boolean }): number {
  return (o.level & 7) | (o.keyId << 3) | (o.extendedNonce ? 0x20 : 0);
}

/** Appends the auxiliary header with `level` in the security control to `w`. */
export function writeAuxHeader(w: FrameWriter, aux: Omit<AuxHeader, "levelOnAir">, level: number): void {
  w.layer = "aux header";
  w.u8(securityControl({ level, keyId: aux.keyId, extendedNonce: aux.extendedNonce }), "security control");
  w.u32(aux.frameCounter, "frame counter");
  if (aux.extendedNonce) {
    if (!aux.source) throw new ZseError("BAD_VALUE", "aux header source: required with the extended nonce");
    w.eui64(aux.source, "source address");
  }
  if (aux.keyId === KeyId.network) {
    if (aux.keySequence === undefined) {
      throw new ZseError("BAD_VALUE", "aux header key sequence number: required with the network key");
    }
    w.u8(aux.keySequence, "key sequence number");
  }
}

/** The auxiliary header with `level` in the security control. */
export function encodeAuxHeader(aux: Omit<AuxHeader, "levelOnAir">, level: number): Uint8Array {
  const w = new FrameWriter("aux header");
  writeAuxHeader(w, aux, level);
  return w.finish();
}

/** Reads an auxiliary header at the reader's offset (05-3474 4.5.1). */
export function decodeAuxHeader(r: FrameReader): AuxHeader {
  const control = r.u8("security control");
  if (control & 0xc0) {
    throw new ZseError(
      "BAD_FRAME",
      `${r.layer} security control: reserved bits set in 0x${control.toString(16)}`,
    );
  }
  const aux: AuxHeader = {
    levelOnAir: control & 7,
    keyId: ((control >> 3) & 3) as KeyIdentifier,
    extendedNonce: (control & 0x20) !== 0,
    frameCounter: r.u32("frame counter"),
  };
  if (aux.extendedNonce) aux.source = r.eui64("source address");
  if (aux.keyId === KeyId.network) aux.keySequence = r.u8("key sequence number");
  return aux;
}

const derived = new Map<string, Uint8Array>();
const DERIVED_CACHE_LIMIT = 4096;

/**
 * The CCM* key for a key identifier (05-3474 4.5.3): the key itself for data and network keys,
 * HMAC(K, 0x00) for the key-transport key and HMAC(K, 0x02) for the key-load key. Derived keys
 * are cached (an HMAC-AES-MMO costs several AES key schedules; a simulator derives the same
 * keys for every Transport Key and every candidate it tries); the cache is cleared when full.
 */
export function ccmKeyFor(key: Uint8Array, keyId: KeyIdentifier): Uint8Array {
  if (!(key instanceof Uint8Array && key.length === 16)) abytes(key, 16, "security key");
  if (keyId !== KeyId.keyTransport && keyId !== KeyId.keyLoad) return key;
  const id = `${keyId}:${toHex(key)}`;
  let k = derived.get(id);
  if (!k) {
    k = keyId === KeyId.keyTransport ? keyTransportKey(key) : keyLoadKey(key);
    if (derived.size >= DERIVED_CACHE_LIMIT) derived.clear();
    derived.set(id, k);
  }
  return k;
}

/** Where the layer being secured lies in a writer (05-3474 4.3.1.1 / 4.4.1.1). */
export interface WrittenLayer {
  /** Offset of the layer header. */
  start: number;
  /** Offset of the security control byte (the aux header, written with the real level). */
  controlOffset: number;
  /** Offset of the payload; the payload runs to the end of what is written. */
  payloadStart: number;
  /** Network key or link key (the key-transport / key-load key is derived here per keyId). */
  key: Uint8Array;
  keyId: KeyIdentifier;
  /** Sender EUI-64 for the nonce (big-endian display order). */
  nonceSource: Uint8Array;
  frameCounter: number;
}

/**
 * Secures the layer just written, in place: the header and aux header (real level in it) are
 * the authenticated data, the payload is encrypted where it lies, the MIC is appended, and the
 * level on air is set to 0 (4.3.1.1 step 8).
 */
export function sealWritten(w: FrameWriter, o: WrittenLayer): void {
  const buf = w.raw();
  const nonce = ccmNonce({
    source: o.nonceSource,
    frameCounter: o.frameCounter,
    securityControl: buf[o.controlOffset],
  });
  const mic = ccmStarSealRange({
    key: ccmKeyFor(o.key, o.keyId),
    nonce,
    buf,
    aadStart: o.start,
    dataStart: o.payloadStart,
    dataEnd: w.length,
  });
  buf[o.controlOffset] &= ~7;
  for (let i = 0; i < mic.length; i++) w.u8(mic[i], "MIC");
}

/** Secures `payload` behind `header`: returns header || aux (level 0) || ciphertext || MIC. */
export function secure(opts: {
  header: Uint8Array;
  aux: Omit<AuxHeader, "levelOnAir">;
  /** Network key or link key (the key-transport / key-load key is derived here per keyId). */
  key: Uint8Array;
  /** Sender EUI-64 for the nonce (big-endian display order). */
  nonceSource: Uint8Array;
  payload: Uint8Array;
}): Uint8Array {
  const w = new FrameWriter("secured frame");
  w.bytes(opts.header, "header");
  const controlOffset = w.length;
  writeAuxHeader(w, opts.aux, SECURITY_LEVEL_ENC_MIC_32);
  const payloadStart = w.length;
  w.layer = "secured frame";
  w.bytes(opts.payload, "payload");
  sealWritten(w, {
    start: 0,
    controlOffset,
    payloadStart,
    key: opts.key,
    keyId: opts.aux.keyId,
    nonceSource: opts.nonceSource,
    frameCounter: opts.aux.frameCounter,
  });
  return w.finish();
}

/**
 * Checks and decrypts a secured payload. `headerAndAux` are the bytes from the start of the
 * layer's header through the auxiliary header as received; the level is put back before the
 * check. Returns the plaintext or undefined when the MIC fails under `key`.
 */
export function unsecure(opts: {
  headerAndAux: Uint8Array;
  /** Offset of the security control byte inside headerAndAux. */
  controlOffset: number;
  aux: AuxHeader;
  key: Uint8Array;
  nonceSource: Uint8Array;
  sealed: Uint8Array;
}): Uint8Array | undefined {
  const aad = opts.headerAndAux.slice();
  aad[opts.controlOffset] = (aad[opts.controlOffset] & ~7) | SECURITY_LEVEL_ENC_MIC_32;
  const nonce = ccmNonce({
    source: opts.nonceSource,
    frameCounter: opts.aux.frameCounter,
    securityControl: aad[opts.controlOffset],
  });
  return ccmStarDecrypt({ key: ccmKeyFor(opts.key, opts.aux.keyId), nonce, aad, sealed: opts.sealed });
}

/** What decrypted a frame: the auxiliary header and which candidate key worked. */
export interface SecurityInfo {
  aux: AuxHeader;
  /** The key as the caller gave it (network or link key, before any key-transport derivation). */
  key: Uint8Array;
  /** Index of that key in the candidates the caller returned. */
  keyIndex: number;
  /** The EUI-64 used in the nonce. */
  nonceSource: Uint8Array;
}

/** Why a secured frame could not be read. */
export type UndecryptedReason = "NO_KEY" | "NO_SOURCE" | "MIC_FAILED";

/**
 * Tries every candidate key on the secured layer of a received frame, read in place
 * (05-3474 4.3.1.2 / 4.4.1.2: a frame that fails its MIC is dropped by the caller): the layer
 * header and aux header are frame[0, dataStart) with the security control at `controlOffset`,
 * ciphertext || MIC the rest. Returns the first key that verifies.
 */
export function tryKeysInFrame(opts: {
  frame: Uint8Array;
  controlOffset: number;
  dataStart: number;
  aux: AuxHeader;
  candidates: readonly Uint8Array[];
  nonceSource: Uint8Array | undefined;
}): { plain: Uint8Array; info: SecurityInfo } | { reason: UndecryptedReason } {
  const { frame, controlOffset, aux, candidates, nonceSource } = opts;
  if (!nonceSource) return { reason: "NO_SOURCE" };
  if (candidates.length === 0) return { reason: "NO_KEY" };
  // the level is put back before the check (4.3.1.2 step 3)
  const control = (frame[controlOffset] & ~7) | SECURITY_LEVEL_ENC_MIC_32;
  const nonce = ccmNonce({ source: nonceSource, frameCounter: aux.frameCounter, securityControl: control });
  const patch = { at: controlOffset, value: control };
  for (let i = 0; i < candidates.length; i++) {
    const plain = ccmStarOpenRange({
      key: ccmKeyFor(candidates[i], aux.keyId),
      nonce,
      buf: frame,
      aadStart: 0,
      dataStart: opts.dataStart,
      end: frame.length,
      patch,
    });
    if (plain) return { plain, info: { aux, key: candidates[i], keyIndex: i, nonceSource } };
  }
  return { reason: "MIC_FAILED" };
}

/**
 * Tries every candidate key on a secured payload given as header-and-aux and sealed bytes;
 * returns the first that verifies (see `tryKeysInFrame`).
 */
export function tryKeys(opts: {
  headerAndAux: Uint8Array;
  controlOffset: number;
  aux: AuxHeader;
  candidates: readonly Uint8Array[];
  nonceSource: Uint8Array | undefined;
  sealed: Uint8Array;
}): { plain: Uint8Array; info: SecurityInfo } | { reason: UndecryptedReason } {
  const frame = new Uint8Array(opts.headerAndAux.length + opts.sealed.length);
  frame.set(opts.headerAndAux);
  frame.set(opts.sealed, opts.headerAndAux.length);
  return tryKeysInFrame({
    frame,
    controlOffset: opts.controlOffset,
    dataStart: opts.headerAndAux.length,
    aux: opts.aux,
    candidates: opts.candidates,
    nonceSource: opts.nonceSource,
  });
}
