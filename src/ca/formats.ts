/**
 * Output formats of the CA: JSON objects, labelled hex lines, JSON Lines / CSV rows for batches,
 * and C arrays in the shape device projects paste (the STM32WB/Exegin startup configuration
 * copies CBKE_CERTIFICATE_SIZE 48 / CBKE2_CERTIFICATE_SIZE 74 certificate bytes,
 * CBKE_COMPRESSED_PUBLIC_KEY_SIZE 22 / 37 CA public key bytes and CBKE_PRIVATE_KEY_SIZE 21 / 36
 * private key bytes; SE 07-5356 C.4.2.2 / SE 1.4 C.6.2.2 for the sizes).
 */
import { fromHex } from "../util/bytes.js";
import { isoSeconds, keyUsageNames, NO_EXPIRY, type Suite } from "./params.js";

/** What one issuance hands to its user; hex lower case. */
export interface IssuedView {
  suite: Suite;
  serial: string;
  subject: string;
  issuer: string;
  /** Suite 2 only. */
  validFrom?: number;
  validTime?: number;
  keyUsage?: number;
  certificate: string;
  /** The device public key (always known to the CA: reconstructed from the certificate). */
  publicKey: string;
  /** Present when the CA generated the key pair. */
  privateKey?: string;
  /** Private-key reconstruction data r (request mode). */
  reconstruction?: string;
  caPublicKey: string;
}

export type OutputFormat = "json" | "c" | "hex";
export type BatchFormat = "jsonl" | "csv";

/** The JSON document of one issuance (validity as ISO dates, key usage by name). */
export function issuedJson(v: IssuedView): Record<string, unknown> {
  const o: Record<string, unknown> = {
    suite: v.suite,
    serial: v.serial,
    subject: v.subject,
    issuer: v.issuer,
  };
  if (v.validFrom !== undefined && v.validTime !== undefined) {
    o.validFrom = isoSeconds(v.validFrom);
    o.validTo = v.validTime === NO_EXPIRY ? null : isoSeconds(v.validFrom + v.validTime);
  }
  if (v.keyUsage !== undefined) o.keyUsage = keyUsageNames(v.keyUsage);
  o.certificate = v.certificate;
  o.publicKey = v.publicKey;
  if (v.privateKey !== undefined) o.privateKey = v.privateKey;
  if (v.reconstruction !== undefined) o.reconstruction = v.reconstruction;
  o.caPublicKey = v.caPublicKey;
  return o;
}

/** Labelled hex lines ("certificate <hex>"), one item per line. */
export function issuedHex(v: IssuedView): string {
  const rows: [string, string | undefined][] = [
    ["serial", v.serial],
    ["subject", v.subject],
    ["certificate", v.certificate],
    ["publicKey", v.publicKey],
    ["privateKey", v.privateKey],
    ["reconstruction", v.reconstruction],
    ["caPublicKey", v.caPublicKey],
  ];
  return rows
    .filter((r): r is [string, string] => r[1] !== undefined)
    .map(([k, h]) => `${k.padEnd(14)} ${h}`)
    .join("\n");
}

/** Sizes and array names of the seed's startup configuration, per suite. */
const C_NAMES = {
  1: {
    certSize: "CBKE_CERTIFICATE_SIZE",
    keySize: "CBKE_COMPRESSED_PUBLIC_KEY_SIZE",
    privSize: "CBKE_PRIVATE_KEY_SIZE",
    sizes: [48, 22, 21],
  },
  2: {
    certSize: "CBKE2_CERTIFICATE_SIZE",
    keySize: "CBKE2_COMPRESSED_PUBLIC_KEY_SIZE",
    privSize: "CBKE2_PRIVATE_KEY_SIZE",
    sizes: [74, 37, 36],
  },
} as const;

/** A C byte array initialiser, 12 bytes per line. */
export function cArray(opts: { name: string; size: string; hex: string }): string {
  const b = fromHex(opts.hex);
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 12) {
    lines.push(
      `  ${Array.from(b.subarray(i, i + 12), (x) => `0x${x.toString(16).padStart(2, "0")}`).join(", ")},`,
    );
  }
  return `static const uint8_t ${opts.name}[${opts.size}] = {\n${lines.join("\n")}\n};`;
}

function cDefines(suite: Suite): string {
  const n = C_NAMES[suite];
  const names = [n.certSize, n.keySize, n.privSize];
  return names.map((m, i) => `#ifndef ${m}\n#define ${m} ${n.sizes[i]}U\n#endif`).join("\n");
}

/**
 * C arrays for a device project: szZibgeeCbkeCert<N>, szZibgeeCbkeCaPublic<N> and
 * szZibgeeCbkePrivate<N> (the seed's names), or szZibgeeCbkeReconstruction<N> (r) in request mode.
 */
export function issuedC(v: IssuedView): string {
  const n = C_NAMES[v.suite];
  const s = v.suite;
  const parts = [
    `/* zse ca: suite ${s} (${s === 1 ? "CBKE-ECMQV, sect163k1" : "CBKE2-ECMQV, sect283k1"}) certificate`,
    ` * subject ${v.subject}, issuer ${v.issuer}, serial ${v.serial}${v.validFrom !== undefined && v.validTime !== undefined ? `, valid ${isoSeconds(v.validFrom)} .. ${v.validTime === NO_EXPIRY ? "no expiry" : isoSeconds(v.validFrom + v.validTime)}` : ""} */`,
    "#include <stdint.h>",
    cDefines(s),
    cArray({ name: `szZibgeeCbkeCert${s}`, size: n.certSize, hex: v.certificate }),
    cArray({ name: `szZibgeeCbkeCaPublic${s}`, size: n.keySize, hex: v.caPublicKey }),
  ];
  if (v.privateKey !== undefined)
    parts.push(cArray({ name: `szZibgeeCbkePrivate${s}`, size: n.privSize, hex: v.privateKey }));
  if (v.reconstruction !== undefined) {
    parts.push(
      "/* private-key reconstruction data r: the device computes its key with `zse cert private` (d = e*k + r mod n) */",
      cArray({ name: `szZibgeeCbkeReconstruction${s}`, size: n.privSize, hex: v.reconstruction }),
    );
  }
  return `${parts.join("\n")}\n`;
}

/** Columns of a batch CSV file, in order. */
export const CSV_COLUMNS = [
  "index",
  "serial",
  "subject",
  "certificate",
  "publicKey",
  "privateKey",
  "caPublicKey",
] as const;

/** One batch row: a JSON Lines object or a CSV line (no newline). */
export function batchLine(opts: { format: BatchFormat; index: number; view: IssuedView }): string {
  const v = opts.view;
  if (opts.format === "csv") {
    return [
      opts.index,
      v.serial,
      v.subject,
      v.certificate,
      v.publicKey,
      v.privateKey ?? "",
      v.caPublicKey,
    ].join(",");
  }
  return JSON.stringify({ index: opts.index, ...issuedJson(v) });
}

/** The CSV header line (no newline). */
export function csvHeader(): string {
  return CSV_COLUMNS.join(",");
}

/** `zse ca export --format c`: CA public keys and, when given, revoked certificates as C arrays. */
export function exportC(opts: {
  issuer: string;
  caPublicKeys: { suite: Suite; publicKey: string }[];
  revoked?: { suite: Suite; serial: string; subject: string; certificate: string }[];
}): string {
  const parts = [`/* zse ca export: CA issuer ${opts.issuer} */`, "#include <stdint.h>"];
  for (const k of opts.caPublicKeys) {
    const n = C_NAMES[k.suite];
    parts.push(
      `#ifndef ${n.keySize}\n#define ${n.keySize} ${n.sizes[1]}U\n#endif`,
      cArray({ name: `szZibgeeCbkeCaPublic${k.suite}`, size: n.keySize, hex: k.publicKey }),
    );
  }
  if (opts.revoked) {
    for (const suite of [1, 2] as const) {
      const rev = opts.revoked.filter((r) => r.suite === suite);
      const n = C_NAMES[suite];
      parts.push(
        `/* revoked suite ${suite} certificates: ${rev.length} */`,
        `#ifndef ${n.certSize}\n#define ${n.certSize} ${n.sizes[0]}U\n#endif`,
        `#define ZSE_REVOKED_COUNT${suite} ${rev.length}U`,
      );
      if (rev.length > 0) {
        const rows = rev.map((r) => {
          const b = fromHex(r.certificate);
          const bytes = Array.from(b, (x) => `0x${x.toString(16).padStart(2, "0")}`).join(", ");
          return `  /* serial ${r.serial}, subject ${r.subject} */\n  { ${bytes} },`;
        });
        parts.push(
          `static const uint8_t zseRevokedCertificates${suite}[ZSE_REVOKED_COUNT${suite}][${n.certSize}] = {\n${rows.join("\n")}\n};`,
        );
      }
    }
  }
  return `${parts.join("\n")}\n`;
}
