/**
 * Test helper: a stand-in for the CBKE computation with the same interface (KeCrypto), so the
 * engines' state machines (timeouts, ordering, limits, duplicates) are tested on their own.
 * Both sides compute the same MACs and KeyData from the EUI-64s and ephemeral points; a
 * point whose second byte is 0xff is "invalid". Certificates use the real layouts (suite 1:
 * subject at 22, issuer at 30; suite 2: issuer at 11, subject at 35, key usage at 43).
 */
import { aesMmo } from "../../src/crypto/aes-mmo.js";
import type { KeCrypto, KeSuiteCredentials } from "../../src/engine/ke-types.js";
import { concat, equalBytes, fromHex } from "../../src/util/bytes.js";
import { ZseError } from "../../src/util/errors.js";
import { EPHEMERAL_KEY_LENGTH, type KeSuite } from "../../src/zcl/ke-commands.js";

const SUBJECT = { 1: 22, 2: 35 } as const;
const ISSUER = { 1: 30, 2: 11 } as const;

export const FAKE_ISSUER = fromHex("5445535453454341");

/** A certificate of the suite's layout for `subject` (hex) from `issuer`. */
export function fakeCertificate(
  suite: KeSuite,
  subject: string,
  opts: { issuer?: Uint8Array; keyUsage?: number } = {},
): Uint8Array {
  const c = new Uint8Array(suite === 1 ? 48 : 74);
  c[0] = 0x02;
  if (suite === 2) {
    c.set([0x0d, 0x08], 9);
    c[43] = opts.keyUsage ?? 0x08;
    c[44] = 0x03;
  }
  c.set(fromHex(subject), SUBJECT[suite]);
  c.set(opts.issuer ?? FAKE_ISSUER, ISSUER[suite]);
  return c;
}

export function fakeCredentials(
  suite: KeSuite,
  eui: string,
  opts?: { issuer?: Uint8Array; keyUsage?: number },
): KeSuiteCredentials {
  return {
    certificate: fakeCertificate(suite, eui, opts),
    privateKey: new Uint8Array(suite === 1 ? 21 : 36).fill(1),
    caPublicKey: new Uint8Array(EPHEMERAL_KEY_LENGTH[suite]).fill(2),
  };
}

export const fakeCrypto: KeCrypto = {
  generateEphemeral(suite, rng) {
    const pub = concat(Uint8Array.of(0x02), rng.bytes(EPHEMERAL_KEY_LENGTH[suite] - 1));
    if (pub[1] === 0xff) pub[1] = 0;
    return { privateKey: pub.slice(), publicKey: pub };
  },
  checkCertificate({ suite, certificate, sender }) {
    // the one known CA is FAKE_ISSUER
    if (!equalBytes(certificate.subarray(ISSUER[suite], ISSUER[suite] + 8), FAKE_ISSUER)) {
      return { status: "UNKNOWN_ISSUER", reason: "issuer unknown" };
    }
    if (!equalBytes(certificate.subarray(SUBJECT[suite], SUBJECT[suite] + 8), sender)) {
      return { status: "BAD_MESSAGE", reason: "subject is not the sender" };
    }
    if (suite === 2 && !(certificate[43] & 0x08))
      return { status: "INVALID_CERTIFICATE", reason: "no key agreement" };
    return undefined;
  },
  derive({ role, local, remote }) {
    if (remote.ephemeralPublicKey[1] === 0xff)
      throw new ZseError("BAD_POINT", "ephemeral point: not on the curve");
    const [u, v] = role === "initiator" ? [local, remote] : [remote, local];
    const qeu = role === "initiator" ? local.ephemeralPublicKey : remote.ephemeralPublicKey;
    const qev = role === "initiator" ? remote.ephemeralPublicKey : local.ephemeralPublicKey;
    const z = aesMmo(concat(u.eui64, v.eui64, qeu, qev));
    return {
      keyData: aesMmo(concat(Uint8Array.of(1), z)),
      macU: aesMmo(concat(Uint8Array.of(2), z)),
      macV: aesMmo(concat(Uint8Array.of(3), z)),
    };
  },
};
