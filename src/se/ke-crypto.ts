/**
 * The real CBKE computation in the shape the Key Establishment engines inject
 * (`KeCrypto` of engine/ke-types.ts, SE 07-5356 C.3.1 / C.4.2): ephemeral key generation,
 * the partner-certificate verdict (certificate-checks.ts) and the derivation (cbke.ts).
 * Typed structurally so this layer does not import the engine layer above it; the composition
 * layer passes `cbkeKeCrypto` (or `createCbkeKeCrypto({ revoked })`) as the engine's crypto.
 */
import type { Rng } from "../util/rng.js";
import { cbkeDerive, generateEphemeralKey } from "./cbke.js";
import {
  checkPartnerCertificate,
  type PartnerCertificateVerdict,
  type RevocationList,
} from "./certificate-checks.js";
import type { Suite } from "./suites.js";

interface Credentials {
  certificate: Uint8Array;
  privateKey: Uint8Array;
  caPublicKey: Uint8Array;
}

export interface CbkeKeCrypto {
  generateEphemeral(suite: Suite, rng: Rng): { privateKey: Uint8Array; publicKey: Uint8Array };
  checkCertificate(input: {
    suite: Suite;
    certificate: Uint8Array;
    sender: Uint8Array;
    local: Credentials;
    at?: Date;
  }): PartnerCertificateVerdict | undefined;
  derive(input: {
    suite: Suite;
    role: "initiator" | "responder";
    local: {
      eui64: Uint8Array;
      credentials: Credentials;
      ephemeralPrivateKey: Uint8Array;
      ephemeralPublicKey: Uint8Array;
    };
    remote: { eui64: Uint8Array; certificate: Uint8Array; ephemeralPublicKey: Uint8Array };
  }): {
    keyData: Uint8Array;
    macU: Uint8Array;
    macV: Uint8Array;
    sharedSecret: Uint8Array;
    macKey: Uint8Array;
  };
}

/** The engines' crypto, optionally refusing the certificates of a revocation list. */
export function createCbkeKeCrypto(opts: { revoked?: RevocationList } = {}): CbkeKeCrypto {
  return {
    generateEphemeral: (suite, rng) => generateEphemeralKey(suite, rng),
    checkCertificate: (input) =>
      checkPartnerCertificate({
        suite: input.suite,
        certificate: input.certificate,
        sender: input.sender,
        local: input.local,
        at: input.at,
        revoked: opts.revoked,
      }),
    derive: (input) =>
      cbkeDerive({
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
      }),
  };
}

/** The engines' crypto without a revocation list. */
export const cbkeKeCrypto: CbkeKeCrypto = createCbkeKeCrypto();
