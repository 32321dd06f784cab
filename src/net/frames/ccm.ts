/**
 * AES-CCM* as Zigbee uses it (05-3474 4.3.1.1 / 4.4.1.1 and Annex A; IEEE 802.15.4-2006 7.6.3):
 * security level 5 (ENC-MIC-32), a 4-byte MIC, L = 2, and the 13-byte nonce of 05-3474 4.5.2.2
 * = source EUI-64 (little-endian) || frame counter (little-endian) || security control.
 *
 * For the encrypting levels CCM* is plain CCM (RFC 3610), so this runs on node:crypto's
 * `aes-128-ccm` (OpenSSL), which supports 4-byte tags and 13-byte nonces.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { abytes } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";

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
  abytes(source, 8, "nonce source EUI-64");
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
}

/** Encrypts `plaintext` and returns ciphertext || MIC (4 bytes). */
export function ccmStarEncrypt(input: CcmInput & { plaintext: Uint8Array }): Uint8Array {
  abytes(input.key, 16, "CCM* key");
  abytes(input.nonce, 13, "CCM* nonce");
  const c = createCipheriv("aes-128-ccm", input.key, input.nonce, { authTagLength: MIC_LENGTH });
  c.setAAD(input.aad, { plaintextLength: input.plaintext.length });
  const body = c.update(input.plaintext);
  c.final();
  const tag = c.getAuthTag();
  const out = new Uint8Array(body.length + MIC_LENGTH);
  out.set(body, 0);
  out.set(tag, body.length);
  return out;
}

/**
 * Decrypts ciphertext || MIC. Returns the plaintext, or undefined when the MIC does not verify
 * (wrong key, wrong nonce or altered bytes). Throws BAD_FRAME when there is no room for a MIC.
 */
export function ccmStarDecrypt(input: CcmInput & { sealed: Uint8Array }): Uint8Array | undefined {
  abytes(input.key, 16, "CCM* key");
  abytes(input.nonce, 13, "CCM* nonce");
  const { sealed } = input;
  if (sealed.length < MIC_LENGTH) {
    throw new ZseError(
      "BAD_FRAME",
      `secured payload: ${sealed.length} bytes, shorter than the ${MIC_LENGTH}-byte MIC`,
    );
  }
  const body = sealed.subarray(0, sealed.length - MIC_LENGTH);
  const d = createDecipheriv("aes-128-ccm", input.key, input.nonce, { authTagLength: MIC_LENGTH });
  d.setAuthTag(sealed.subarray(sealed.length - MIC_LENGTH));
  d.setAAD(input.aad, { plaintextLength: body.length });
  const plain = d.update(body);
  try {
    d.final();
  } catch {
    return undefined;
  }
  return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
}
