/**
 * The real CBKE computation behind the KE engines' `KeCrypto` seam (SE 07-5356 C.4.2):
 * ephemeral keys on sect163k1/sect283k1, the partner certificate checks of C.3.1.2.3 mapped
 * to Terminate statuses by src/se/certificate-checks.ts, and ECMQV + KDF + key confirmation
 * (src/se/cbke.ts). The issuer we trust is the one of our own certificate.
 */
import type { KeCertificateVerdict, KeCrypto } from "../engine/ke-types.js";
import { cbkeDerive, generateEphemeralKey } from "../se/cbke.js";
import { decodeCertificate } from "../se/certificate.js";
import { checkCertificate, terminateStatusFor } from "../se/certificate-checks.js";
import { wipe } from "../util/bytes.js";
import { CERTIFICATE_LENGTH, keTerminateStatusName } from "../zcl/ke-commands.js";

export const cbkeCrypto: KeCrypto = {
  generateEphemeral: (suite, rng) => generateEphemeralKey(suite, rng),

  checkCertificate({ suite, certificate, sender, local, at }): KeCertificateVerdict | undefined {
    if (certificate.length !== CERTIFICATE_LENGTH[suite]) {
      return {
        status: "BAD_MESSAGE",
        reason: `certificate: ${certificate.length} bytes, suite ${suite} needs ${CERTIFICATE_LENGTH[suite]}`,
      };
    }
    const problems = checkCertificate(certificate, {
      issuers: [decodeCertificate(local.certificate).issuer],
      expectedSubject: sender,
      ...(at ? { at } : {}),
    });
    const code = terminateStatusFor(problems);
    if (code === undefined) return undefined;
    const status = keTerminateStatusName(code);
    const reason = problems.map((p) => p.message).join("; ");
    if (status === "UNKNOWN_ISSUER" || status === "INVALID_CERTIFICATE") return { status, reason };
    return { status: "BAD_MESSAGE", reason };
  },

  derive(input) {
    const r = cbkeDerive({
      suite: input.suite,
      role: input.role,
      caPublicKey: input.local.credentials.caPublicKey,
      local: {
        eui64: input.local.eui64,
        certificate: input.local.credentials.certificate,
        privateKey: input.local.credentials.privateKey,
        ephemeralPrivateKey: input.local.ephemeralPrivateKey,
        ephemeralPublicKey: input.local.ephemeralPublicKey,
      },
      remote: input.remote,
    });
    wipe(r.sharedSecret, r.macKey);
    return { keyData: r.keyData, macU: r.macU, macV: r.macV };
  },
};
