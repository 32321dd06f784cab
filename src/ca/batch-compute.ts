/**
 * The computing half of batch issuance, shared by the main thread and the worker threads:
 * position i of a batch is the certificate for subject first_subject + i with serial
 * first_serial + i, the CA generating the device key pair (ECQV, SEC 4 §3.4). Everything here
 * is plain data so it crosses `postMessage`; no registry, no files.
 */
import { fromHex, toHex } from "../util/bytes.js";
import { bigIntToEui64 } from "../util/eui64.js";
import type { Rng } from "../util/rng.js";
import { type CertificateTemplate, issueCertificates } from "./issue.js";
import type { Suite } from "./params.js";

/** Certificates computed together (their k·G multiplications share inversions). */
const GROUP = 64;

/** What a worker needs to compute any position of a batch (hex strings, decimal bigints). */
export interface BatchJob {
  suite: Suite;
  caPrivateKey: string;
  caPublicKey: string;
  issuer: string;
  firstSerial: string;
  firstSubject: string;
  validFrom: number;
  validTime: number;
  keyUsage: number;
  profileData: string;
}

/** One computed position, hex. */
export interface BatchRow {
  certificate: string;
  publicKey: string;
  privateKey: string;
}

/** Computes positions [start, end) of the batch. */
export function computeRange(opts: { job: BatchJob; start: number; end: number; rng: Rng }): BatchRow[] {
  const { job } = opts;
  const caPrivateKey = BigInt(`0x${job.caPrivateKey}`);
  const issuer = fromHex(job.issuer);
  const profileData = fromHex(job.profileData);
  const firstSerial = BigInt(job.firstSerial);
  const firstSubject = BigInt(job.firstSubject);
  const rows: BatchRow[] = [];
  // Groups of GROUP certificates share their scalar multiplications (issueCertificates); the
  // results are those of one-by-one issuance with the same rng.
  for (let g = opts.start; g < opts.end; g += GROUP) {
    const templates: CertificateTemplate[] = [];
    for (let i = g; i < Math.min(opts.end, g + GROUP); i++) {
      templates.push({
        suite: job.suite,
        serial: firstSerial + BigInt(i),
        subject: bigIntToEui64(firstSubject + BigInt(i)),
        issuer,
        validFrom: job.validFrom,
        validTime: job.validTime,
        keyUsage: job.keyUsage,
        profileData,
      });
    }
    for (const out of issueCertificates({ templates, caPrivateKey, rng: opts.rng })) {
      rows.push({
        certificate: toHex(out.certificate),
        publicKey: toHex(out.publicKey),
        privateKey: toHex(out.privateKey!),
      });
    }
  }
  return rows;
}
