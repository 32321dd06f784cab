/**
 * The simulation's Certificate Authority: a CA key pair drawn from the seeded Rng and
 * certificates issued through the `ca` helper's issuance step (src/ca/issue.ts: ECQV, SEC 4
 * 3.4; certificate layouts of SE 07-5356 C.4.2.2.4 for suite 1 and SE 1.4 for suite 2). Kept in
 * memory: a simulation needs no registry.
 */
import { issueCertificate } from "../ca/issue.js";
import { curveForSuite } from "../crypto/curves.js";
import type { KeSuiteCredentials } from "../engine/ke-types.js";
import type { Eui64Hex } from "../engine/types.js";
import { fromHex } from "../util/bytes.js";
import type { Rng } from "../util/rng.js";

/** "ZSESIMCA" as the issuer id. */
export const SIM_ISSUER = new TextEncoder().encode("ZSESIMCA");
/** 2025-01-01T00:00:00Z: the suite 2 certificates' valid-from. */
export const SIM_VALID_FROM = 1735689600;

/** Fields a test or the hostile scenario may set on one certificate (suite 2 validity, issuer). */
export interface SimCertificateOverrides {
  issuer?: Uint8Array;
  validFrom?: number;
  validTime?: number;
}

export interface SimulationCa {
  suite: 1 | 2;
  caPublicKey: Uint8Array;
  /** Issues a certificate for `subject` with a CA-generated key pair. */
  issue(subject: Eui64Hex, overrides?: SimCertificateOverrides): KeSuiteCredentials;
  /** Certificates issued so far. */
  readonly issued: number;
}

export function simulationCa(options: { suite: 1 | 2; rng: Rng }): SimulationCa {
  const curve = curveForSuite(options.suite);
  const caPrivateKey = curve.randomScalar(options.rng);
  const caPublicKey = curve.encodePoint(curve.mulBase(caPrivateKey, { secret: true }));
  let serial = 0n;
  return {
    suite: options.suite,
    caPublicKey,
    get issued() {
      return Number(serial);
    },
    issue(subject: Eui64Hex, overrides: SimCertificateOverrides = {}): KeSuiteCredentials {
      serial++;
      const r = issueCertificate({
        template: {
          suite: options.suite,
          serial,
          subject: fromHex(subject),
          issuer: overrides.issuer ?? SIM_ISSUER,
          validFrom: overrides.validFrom ?? SIM_VALID_FROM,
          validTime: overrides.validTime ?? 0xffffffff,
          keyUsage: 0x08,
          profileData: new Uint8Array(10),
        },
        caPrivateKey,
        caPublicKey,
        rng: options.rng,
      });
      return { certificate: r.certificate, privateKey: r.privateKey!, caPublicKey };
    },
  };
}
