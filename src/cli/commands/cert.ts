/**
 * `zse cert decode <hex>` and `zse cert verify <hex> --ca-public-key <hex>`: SE implicit
 * certificates (SE 07-5356 C.4.2.2.4 suite 1, SE 1.4 C.6.2.2.4 suite 2). Decode shows times as
 * ISO dates and key usage by name; verify reports every problem (certificate-checks.ts) and
 * the public key the certificate implies (ECQV, SEC 4 §3.5). Exit 1 = invalid, 2 = bad input.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import {
  CERT_CURVE_SECT283K1,
  CERT_HASH_AES_MMO,
  CERT_TYPE_IMPLICIT,
  type Certificate,
  decodeCertificate,
  keyUsageNames,
} from "../../se/certificate.js";
import {
  type CertificateProblem,
  checkCertificate,
  isoSeconds,
  type RevocationList,
  terminateStatusFor,
} from "../../se/certificate-checks.js";
import { certificatePublicKey } from "../../se/certificate-key.js";
import { parseRevocationList } from "../../se/revocation.js";
import { suiteInfo } from "../../se/suites.js";
import { abytes, fromHex, toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { parseEui64 } from "../../util/eui64.js";
import { action, EXIT_NEGATIVE, emit } from "../output.js";

export function register(program: Command): void {
  const cert = program
    .command("cert")
    .description("Smart Energy implicit certificates: decode, verify, private key");
  cert
    .command("decode")
    .description("show the fields of a 48-byte (suite 1) or 74-byte (suite 2) certificate")
    .argument("<hex>", "certificate bytes in hex (spaces, colons, dashes allowed)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExample:\n  zse cert decode 0084a933b37f018dec0d081112131415161718005292a38affffffff0a0b0c0d0e0f10128803076277e2f7e2252b16a0e92b6e8771bb3f207946cbd4a45d9a9df6edab8c796a48e89dec",
    )
    .action(
      action((hex: string, opts: { json?: boolean }) => {
        const c = decodeCertificate(fromHex(hex, "certificate"));
        const view = certificateView(c);
        emit(opts, view, () => certificateLines(c));
      }),
    );
  cert
    .command("verify")
    .description(
      "check a certificate (issuer, subject, type/curve/hash, key usage, validity, revocation, point)",
    )
    .argument("<hex>", "certificate bytes in hex")
    .requiredOption("--ca-public-key <hex>", "the CA's compressed public key (22 or 37 bytes)")
    .option("--issuer <hex>", "the CA's 8-byte issuer id the certificate must name")
    .option("--subject <eui64>", "the EUI-64 the certificate must be for")
    .option("--at <iso-time>", "time of the validity check (default: now)")
    .option("--revoked <file>", "revocation list (JSON from `zse ca export --revoked`, or text lines)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExit status: 0 valid, 1 invalid (problems listed), 2 bad input.\nExample:\n  zse cert verify <cert hex> --ca-public-key 0200fde8a7f3d1084224962a4e7c54e69ac3f04da6b8 --issuer 5445535453454341",
    )
    .action(
      action(
        (
          hex: string,
          opts: {
            caPublicKey: string;
            issuer?: string;
            subject?: string;
            at?: string;
            revoked?: string;
            json?: boolean;
          },
        ) => {
          const bytes = fromHex(hex, "certificate");
          const c = decodeCertificate(bytes);
          const caKey = abytes(
            fromHex(opts.caPublicKey, "--ca-public-key"),
            suiteInfo(c.suite).pointBytes,
            "--ca-public-key",
          );
          const issuers = opts.issuer === undefined ? undefined : [parseIssuer(opts.issuer)];
          const expectedSubject =
            opts.subject === undefined ? undefined : parseEui64(opts.subject, "--subject");
          const at = opts.at === undefined ? new Date() : parseTime(opts.at);
          const revoked = opts.revoked === undefined ? undefined : readRevoked(opts.revoked);
          const problems: CertificateProblem[] = checkCertificate(bytes, {
            issuers,
            expectedSubject,
            at,
            revoked,
          });
          let publicKey: string | null = null;
          if (!problems.some((p) => p.code === "BAD_POINT")) {
            publicKey = toHex(certificatePublicKey({ certificate: bytes, caPublicKey: caKey }));
          }
          const valid = problems.length === 0;
          const out = {
            valid,
            publicKey,
            problems,
            terminateStatus: terminateStatusFor(problems) ?? null,
            checkedAt: at.toISOString(),
          };
          emit(opts, out, () => [
            valid
              ? `valid suite ${c.suite} certificate for ${toHex(c.subject)}`
              : `INVALID suite ${c.suite} certificate`,
            ...problems.map((p) => `  ${p.code}: ${p.message}`),
            `public key  ${publicKey ?? "(none: the reconstruction point does not decode)"}`,
          ]);
          if (!valid) process.exitCode = EXIT_NEGATIVE;
        },
      ),
    );
}

/** The JSON view of a decoded certificate: hex lower case, ISO times, key usage names. */
export function certificateView(c: Certificate): Record<string, unknown> {
  if (c.suite === 1) {
    return {
      suite: 1,
      reconstructionPoint: toHex(c.reconstructionPoint),
      subject: toHex(c.subject),
      issuer: toHex(c.issuer),
      issuerText: printable(c.issuer),
      profileData: toHex(c.profileData),
    };
  }
  return {
    suite: 2,
    type: c.type,
    serial: toHex(c.serial),
    curve: c.curve,
    hash: c.hash,
    issuer: toHex(c.issuer),
    issuerText: printable(c.issuer),
    validFrom: isoSeconds(c.validFrom),
    validTo: c.validTo === null ? null : isoSeconds(c.validTo),
    validTime: c.validTime,
    subject: toHex(c.subject),
    keyUsage: keyUsageNames(c.keyUsage),
    keyUsageBits: c.keyUsage,
    reconstructionPoint: toHex(c.reconstructionPoint),
  };
}

function certificateLines(c: Certificate): string[] {
  const issuer = `${toHex(c.issuer)}${printable(c.issuer) ? ` ("${printable(c.issuer)}")` : ""}`;
  if (c.suite === 1) {
    return [
      "suite 1 certificate (48 bytes, sect163k1)",
      `reconstruction point  ${toHex(c.reconstructionPoint)}`,
      `subject               ${toHex(c.subject)}`,
      `issuer                ${issuer}`,
      `profile data          ${toHex(c.profileData)}`,
    ];
  }
  const h = (v: number) => `0x${v.toString(16).padStart(2, "0")}`;
  return [
    "suite 2 certificate (74 bytes)",
    `type                  ${h(c.type)}${c.type === CERT_TYPE_IMPLICIT ? " (implicit)" : " (unknown)"}`,
    `serial                ${toHex(c.serial)}`,
    `curve                 ${h(c.curve)}${c.curve === CERT_CURVE_SECT283K1 ? " (sect283k1)" : " (unknown)"}`,
    `hash                  ${h(c.hash)}${c.hash === CERT_HASH_AES_MMO ? " (AES-MMO)" : " (unknown)"}`,
    `issuer                ${issuer}`,
    `valid from            ${isoSeconds(c.validFrom)}`,
    `valid to              ${c.validTo === null ? "no expiry" : isoSeconds(c.validTo)}`,
    `subject               ${toHex(c.subject)}`,
    `key usage             ${h(c.keyUsage)} (${keyUsageNames(c.keyUsage).join(", ") || "none"})`,
    `reconstruction point  ${toHex(c.reconstructionPoint)}`,
  ];
}

function printable(b: Uint8Array): string | undefined {
  return b.every((x) => x >= 0x20 && x < 0x7f) ? String.fromCharCode(...b) : undefined;
}

function parseIssuer(text: string): Uint8Array {
  const b = fromHex(text, "--issuer");
  if (b.length !== 8) throw new ZseError("BAD_VALUE", `--issuer: "${text}" is not 8 bytes of hex`);
  return b;
}

function parseTime(text: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new ZseError("BAD_VALUE", `--at: "${text}" is not an ISO 8601 time`);
  return d;
}

function readRevoked(path: string): RevocationList {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ZseError("IO", `--revoked: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  return parseRevocationList(text, `--revoked ${path}`);
}
