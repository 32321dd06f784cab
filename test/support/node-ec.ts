/**
 * node:crypto (OpenSSL) as the independent implementation of sect163k1 / sect283k1: public
 * keys of private keys, decompression checks, ECDH x-coordinates.
 */
import { createECDH, ECDH } from "node:crypto";
import { fromHex, toHex } from "../../src/util/bytes.js";

export type CurveName = "sect163k1" | "sect283k1";

export function curveNameForSuite(suite: 1 | 2): CurveName {
  return suite === 1 ? "sect163k1" : "sect283k1";
}

/** Compressed public key of `privateKey` (hex), computed by OpenSSL. */
export function opensslPublicKey(curve: CurveName, privateKey: string | Uint8Array): string {
  const e = createECDH(curve);
  e.setPrivateKey(typeof privateKey === "string" ? fromHex(privateKey) : privateKey);
  return e.getPublicKey("hex", "compressed");
}

/** A fresh key pair drawn by OpenSSL: { privateKey, publicKey } (hex; private padded to the scalar size). */
export function opensslKeyPair(curve: CurveName): { privateKey: string; publicKey: string } {
  const e = createECDH(curve);
  e.generateKeys();
  const size = curve === "sect163k1" ? 21 : 36;
  return {
    privateKey: e.getPrivateKey("hex").padStart(size * 2, "0"),
    publicKey: e.getPublicKey("hex", "compressed"),
  };
}

/** True when OpenSSL accepts `point` (compressed) as a point of `curve`. */
export function opensslPointValid(curve: CurveName, point: Uint8Array): boolean {
  try {
    ECDH.convertKey(point, curve, undefined, undefined, "uncompressed");
    return true;
  } catch {
    return false;
  }
}

/** A compressed encoding with a valid prefix whose x is on no point of the curve (per OpenSSL). */
export function invalidPoint(curve: CurveName, valid: Uint8Array): Uint8Array {
  const p = Uint8Array.from(valid);
  for (let i = 0; i < 256; i++) {
    p[p.length - 1] = i;
    if (!opensslPointValid(curve, p)) return p;
  }
  throw new Error(`no invalid x found near ${toHex(valid)}`);
}
