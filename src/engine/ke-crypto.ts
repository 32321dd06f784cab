/**
 * The real CBKE computation behind the KE engines' `KeCrypto` interface (SE 07-5356 C.4.2
 * and SE 1.4 C.6): ephemeral keys on sect163k1 / sect283k1, the partner certificate checks
 * of src/se/certificate-checks.ts mapped to Terminate statuses (C.3.1.2.3), and
 * ECQV + ECMQV + KDF + MACs through `cbkeDerive`. The issuer we trust for a suite is the
 * credentials' `caIssuer`, by default the issuer of our own certificate of that suite.
 */
import { cbkeDerive, generateEphemeralKey, publicKeyFor } from "../se/cbke.js";
import { decodeCertificate } from "../se/certificate.js";
import { checkCertificate, type RevocationList, terminateStatusFor } from "../se/certificate-checks.js";
import { type KeSuite, keTerminateStatusName } from "../zcl/ke-commands.js";
import type { KeCertificateVerdict, KeCrypto } from "./ke-types.js";

export interface CbkeCryptoOptions {
  /**
   * Certificates to refuse (INVALID_CERTIFICATE): a list, or a function read at every check
   * so a list loaded later (e.g. from the CA) applies to the next session.
   */
  revoked?: RevocationList | (() => RevocationList | undefined);
  /**
   * Fixed ephemeral private keys per suite instead of fresh ones: for reproducing published
   * vectors (Annex C) only, never on a network.
   */
  fixedEphemeral?: Partial<Record<KeSuite, Uint8Array>>;
}

/** A `KeCrypto` doing the real CBKE computation. */
export function cbkeCrypto(options: CbkeCryptoOptions = {}): KeCrypto {
  return {
    generateEphemeral(suite, rng) {
      const fixed = options.fixedEphemeral?.[suite];
      if (fixed) return { privateKey: fixed.slice(), publicKey: publicKeyFor(suite, fixed) };
      return generateEphemeralKey(suite, rng);
    },

    checkCertificate({ certificate, sender, local, at }): KeCertificateVerdict | undefined {
      const revoked = typeof options.revoked === "function" ? options.revoked() : options.revoked;
      const problems = checkCertificate(certificate, {
        issuers: [local.caIssuer ?? decodeCertificate(local.certificate).issuer],
        expectedSubject: sender,
        ...(at ? { at } : {}),
        ...(revoked ? { revoked } : {}),
      });
      const code = terminateStatusFor(problems);
      if (code === undefined) return undefined;
      const status = keTerminateStatusName(code);
      if (status !== "UNKNOWN_ISSUER" && status !== "INVALID_CERTIFICATE" && status !== "BAD_MESSAGE") {
        return { status: "INVALID_CERTIFICATE", reason: problems.map((p) => p.message).join("; ") };
      }
      return { status, reason: problems.map((p) => p.message).join("; ") };
    },

    derive({ suite, role, local, remote }) {
      const r = cbkeDerive({
        suite,
        role,
        caPublicKey: local.credentials.caPublicKey,
        local: {
          eui64: local.eui64,
          certificate: local.credentials.certificate,
          privateKey: local.credentials.privateKey,
          ephemeralPrivateKey: local.ephemeralPrivateKey,
          ephemeralPublicKey: local.ephemeralPublicKey,
        },
        remote,
      });
      r.sharedSecret.fill(0);
      r.macKey.fill(0);
      return { keyData: r.keyData, macU: r.macU, macV: r.macV };
    },
  };
}
