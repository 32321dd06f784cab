/**
 * Issuance benchmark of the CA (issue 4 performance target: 100,000 suite 2 certificates at
 * >= 2,000 certificates/s on a 2-core machine): a throw-away CA in a temporary directory, one
 * batch through the real path (worker threads computing ECQV, SEC 4 §3.4; the main thread
 * committing to SQLite and writing JSON Lines), then a registry consistency check. Also the
 * ceiling of the non-elliptic part: registry commits and output lines alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { cryptoRng } from "../util/rng.js";
import { CertificateAuthority, initCa } from "./authority.js";
import { runBatch } from "./batch.js";
import type { Suite } from "./params.js";
import { CaRegistry, serialHex } from "./registry.js";

export interface IssuanceBenchResult {
  suite: Suite;
  count: number;
  workers: number;
  seconds: number;
  /** Certificates per second through the whole batch path. */
  perSecond: number;
  /** Registry consistent afterwards (every batch position committed once, serials below the counter). */
  consistent: boolean;
  /** CPU time of the whole process (all threads) per certificate, ms: the figure a loaded machine does not distort. */
  cpuMsPerCertificate: number;
  /** Rows per second the registry alone commits in the batch's transaction size (no elliptic work). */
  registryRowsPerSecond: number;
}

/** Runs one batch of `count` certificates of `suite` (defaults: suite 2, 2,000, all cores). */
export async function benchIssuance(
  opts: { suite?: Suite; count?: number; workers?: number; chunk?: number } = {},
): Promise<IssuanceBenchResult> {
  const suite = opts.suite ?? 2;
  const count = opts.count ?? 2000;
  const workers = opts.workers ?? availableParallelism();
  const chunk = opts.chunk ?? 256;
  const root = mkdtempSync(join(tmpdir(), "zse-bench-ca-"));
  try {
    const dir = join(root, "ca");
    const now = () => Math.floor(Date.now() / 1000);
    initCa({ dir, suites: [suite], rng: cryptoRng, now: now() });
    const ca = CertificateAuthority.open(dir);
    let res: Awaited<ReturnType<typeof runBatch>>;
    const cpu0 = process.cpuUsage();
    try {
      res = await runBatch({
        ca,
        spec: {
          suite,
          firstSubject: Uint8Array.from([0, 0x0d, 0x6f, 0, 0, 0, 0, 0]),
          count,
          validTime: 0xffffffff,
          keyUsage: 0x08,
          profileData: new Uint8Array(10),
        },
        out: join(root, "batch.jsonl"),
        format: "jsonl",
        workers,
        chunk,
        clock: now,
        rng: cryptoRng,
      });
    } finally {
      ca.close();
    }
    const cpu = process.cpuUsage(cpu0);
    const reg = CaRegistry.open(dir);
    const consistent = reg.check().length === 0 && reg.count() === count;
    reg.close();
    return {
      suite,
      count,
      workers,
      seconds: res.seconds,
      perSecond: res.perSecond,
      consistent,
      cpuMsPerCertificate: (cpu.user + cpu.system) / 1000 / count,
      registryRowsPerSecond: registryCeiling({ dir: join(root, "ceiling"), rows: 20_000, chunk }),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Commits `rows` synthetic suite 2 rows in batch chunks; returns rows per second. */
function registryCeiling(opts: { dir: string; rows: number; chunk: number }): number {
  initCa({ dir: opts.dir, suites: [1], rng: cryptoRng, now: 0 });
  const reg = CaRegistry.open(opts.dir);
  try {
    const b = reg.createBatch({ params: "{}", suite: 2, count: opts.rows, firstSubject: 1n, now: 0 });
    const filler = "00".repeat(74);
    const t0 = performance.now();
    for (let i = 0; i < opts.rows; i += opts.chunk) {
      const n = Math.min(opts.chunk, opts.rows - i);
      const records = Array.from({ length: n }, (_, k) => ({
        serial: serialHex(b.firstSerial + BigInt(i + k)),
        suite: 2 as const,
        subject: (1n + BigInt(i + k)).toString(16).padStart(16, "0"),
        issuer: "0000000000000000",
        validFrom: 0,
        validFor: 0xffffffff,
        keyUsage: 8,
        certificate: `${filler}${(i + k).toString(16)}`,
        publicKey: filler.slice(0, 74),
        privateKey: filler.slice(0, 72),
        mode: "generated" as const,
        issuedAt: 0,
        batchId: b.id,
        batchIndex: i + k,
      }));
      reg.commitBatchChunk({ batchId: b.id, records, now: 0 });
    }
    return opts.rows / ((performance.now() - t0) / 1000);
  } finally {
    reg.close();
  }
}
