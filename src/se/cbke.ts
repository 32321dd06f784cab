/**
 * The CBKE computation of one side (SE spec 07-5356 C.4.2 suite 1, SE 1.4 C.6 suite 2):
 * the partner's static public key from its certificate (ECQV, SEC 4 §3.5), the ECMQV shared
 * secret Z (SEC 1 §3.4 with cofactor), MacKey and KeyData (AES-MMO KDF), and both key
 * confirmation MACs. U is always the initiator and V the responder, whatever the local role:
 * `macU` is what the initiator sends in Confirm Key Data Request, `macV` the responder's
 * Confirm Key Data Response.
 *
 * This is the offline computation the KE engine (engine/) runs between Ephemeral Data and
 * Confirm Key; certificate policy checks are separate (certificate-checks.ts).
 */

import { curveForSuite, type KoblitzCurve } from "../crypto/curves.js";
import { ecmqvSharedPointImplicit } from "../crypto/ecmqv.js";
import { mulAddModN } from "../crypto/scalar-mod.js";
import { abytes, bytesToBigInt } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { cryptoRng, type Rng } from "../util/rng.js";
import { keyConfirmation } from "./cbke-confirm.js";
import { certificateKeyParts, certificatePublicKey } from "./certificate-key.js";
import { type Suite, suiteInfo } from "./suites.js";

export interface CbkeDeriveInput {
  suite: Suite;
  role: "initiator" | "responder";
  /** The CA public key both certificates chain to (compressed, 22 / 37 bytes). */
  caPublicKey: Uint8Array;
  local: {
    /** Own EUI-64, 8 bytes big-endian (as in the certificate subject). */
    eui64: Uint8Array;
    certificate: Uint8Array;
    /** Own static private key (21 / 36 bytes). */
    privateKey: Uint8Array;
    ephemeralPrivateKey: Uint8Array;
    /**
     * Own compressed ephemeral public key (as generateEphemeralKey returned it); computed from
     * the private key when omitted. Trusted as the caller's own: it is not decompressed.
     */
    ephemeralPublicKey?: Uint8Array;
  };
  remote: {
    eui64: Uint8Array;
    certificate: Uint8Array;
    /** The partner's compressed ephemeral public key (from Ephemeral Data). */
    ephemeralPublicKey: Uint8Array;
  };
}

export interface CbkeResult {
  /** Z (21 / 36 bytes). */
  sharedSecret: Uint8Array;
  macKey: Uint8Array;
  /** The new APS link key. */
  keyData: Uint8Array;
  /** The initiator's MAC. */
  macU: Uint8Array;
  /** The responder's MAC. */
  macV: Uint8Array;
  localEphemeralPublicKey: Uint8Array;
  /** The partner's static public key reconstructed from its certificate (compressed). */
  remotePublicKey: Uint8Array;
}

/**
 * Runs one side's CBKE computation. Throws ZseError: BAD_VALUE (suite/role), BAD_LENGTH
 * (any field of the wrong size for the suite), BAD_POINT (a point that does not decode, or an
 * ECMQV result at infinity), BAD_SCALAR (a private key outside [1, n-1]), BAD_CERTIFICATE.
 */
export function cbkeDerive(input: CbkeDeriveInput): CbkeResult {
  const info = suiteInfo(input.suite);
  if (input.role !== "initiator" && input.role !== "responder") {
    throw new ZseError("BAD_VALUE", `role: ${JSON.stringify(input.role)} is not initiator or responder`);
  }
  const curve = curveForSuite(info.suite);
  const { local, remote } = input;
  abytes(input.caPublicKey, info.pointBytes, "caPublicKey");
  abytes(local.eui64, 8, "local.eui64");
  abytes(remote.eui64, 8, "remote.eui64");
  abytes(local.certificate, info.certificateBytes, "local.certificate");
  abytes(remote.certificate, info.certificateBytes, "remote.certificate");
  abytes(local.privateKey, info.scalarBytes, "local.privateKey");
  abytes(local.ephemeralPrivateKey, info.scalarBytes, "local.ephemeralPrivateKey");
  abytes(remote.ephemeralPublicKey, info.pointBytes, "remote.ephemeralPublicKey");

  const dS = privateScalar(curve, local.privateKey, "local.privateKey");
  const dE = privateScalar(curve, local.ephemeralPrivateKey, "local.ephemeralPrivateKey");
  let localEphemeralPublicKey: Uint8Array;
  if (local.ephemeralPublicKey === undefined) {
    localEphemeralPublicKey = curve.encodePoint(curve.mulBase(dE, { secret: true }));
  } else {
    abytes(local.ephemeralPublicKey, info.pointBytes, "local.ephemeralPublicKey");
    localEphemeralPublicKey = local.ephemeralPublicKey.slice();
  }
  const qEV = curve.decodePoint(remote.ephemeralPublicKey, "remote.ephemeralPublicKey");
  const remoteKey = { certificate: remote.certificate.slice(), caPublicKey: input.caPublicKey.slice() };
  // Q_SV is folded into the ECMQV multiplication (crypto/ecmqv.ts ecmqvSharedPointImplicit).
  const sharedSecret = curve.xBytes(
    ecmqvSharedPointImplicit({
      curve,
      staticPrivateKey: dS,
      ephemeralPrivateKey: dE,
      ephemeralPublicKey: localEphemeralPublicKey,
      partnerStatic: certificateKeyParts(remoteKey),
      partnerEphemeralPublicKey: qEV,
    }),
  );
  const initiator = input.role === "initiator";
  const confirm = keyConfirmation(sharedSecret, {
    idU: initiator ? local.eui64 : remote.eui64,
    idV: initiator ? remote.eui64 : local.eui64,
    qEU: initiator ? localEphemeralPublicKey : remote.ephemeralPublicKey,
    qEV: initiator ? remote.ephemeralPublicKey : localEphemeralPublicKey,
  });
  const result = { sharedSecret, ...confirm, localEphemeralPublicKey } as CbkeResult;
  // The partner's static key costs one more multiplication: formed on first read only (the
  // KE engine never reads it), then kept as a plain value.
  Object.defineProperty(result, "remotePublicKey", {
    enumerable: true,
    configurable: true,
    get(): Uint8Array {
      const value = certificatePublicKey(remoteKey);
      Object.defineProperty(result, "remotePublicKey", { value, enumerable: true, writable: true });
      return value;
    },
  });
  return result;
}

/** A fresh ephemeral key pair for `suite` (private in [1, n-1], public compressed). */
export function generateEphemeralKey(
  suite: Suite,
  rng: Rng = cryptoRng,
): {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
} {
  const curve = curveForSuite(suiteInfo(suite).suite);
  const d = curve.randomScalar(rng);
  return {
    privateKey: curve.scalarToBytes(d),
    publicKey: curve.encodePoint(curve.mulBase(d, { secret: true })),
  };
}

/** The compressed public key of a private key (keygen). Throws BAD_LENGTH / BAD_SCALAR. */
export function publicKeyFor(suite: Suite, privateKey: Uint8Array): Uint8Array {
  const info = suiteInfo(suite);
  const curve = curveForSuite(info.suite);
  abytes(privateKey, info.scalarBytes, "private key");
  return curve.encodePoint(curve.mulBase(privateScalar(curve, privateKey, "private key"), { secret: true }));
}

/**
 * A private key of the suite's length as a scalar in [1, n-1], taken mod n. SEC 1 wants keys
 * below n, but the published SE 1.4 Annex C.6 responder ephemeral key (ZBOSS, panweave) is
 * 1·n + k: those stacks use it as is, and k·G is the published public key. Throws BAD_SCALAR
 * for a value that is 0 mod n.
 */
export function privateScalar(curve: KoblitzCurve, bytes: Uint8Array, title: string): bigint {
  abytes(bytes, curve.scalarBytes, title);
  // reduced on fixed-width limbs (crypto/scalar-mod.ts): the key is secret
  const k = mulAddModN(curve.n, 1n, bytesToBigInt(bytes), 0n);
  if (k === 0n) throw new ZseError("BAD_SCALAR", `${title}: 0 modulo the curve order n`);
  return k;
}
