/**
 * Batch issuance: N certificates for consecutive subject EUI-64s, computed by worker threads
 * and committed by the main thread in transactions, each together with the batch's next
 * position, BEFORE their lines are written to the output file. A batch is identified by its
 * parameters; running the same command again after an interruption resumes it: the lines the
 * registry holds but the file lacks are written from the registry, then computing continues at
 * the next position with the serials reserved when the batch began, so nothing is issued twice
 * and the file has no gap. Certificates: ECQV (SEC 4 §3.4), SE 07-5356 C.4.2.2.4 / C.6.2.2.4.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { eui64ToBigInt } from "../util/eui64.js";
import type { Rng } from "../util/rng.js";
import { type CertificateAuthority, recordView } from "./authority.js";
import { type BatchJob, type BatchRow, computeRange } from "./batch-compute.js";
import { type BatchFormat, batchLine, csvHeader } from "./formats.js";
import type { Suite } from "./params.js";
import { type BatchRecord, type CertificateRecord, serialHex } from "./registry.js";

/** The certificates of a batch: subjects firstSubject .. firstSubject + count - 1. */
export interface BatchSpec {
  suite: Suite;
  firstSubject: Uint8Array;
  count: number;
  /** Suite 2 start of validity; undefined: now when the batch begins (kept when it resumes). */
  validFrom?: number;
  validTime: number;
  keyUsage: number;
  profileData: Uint8Array;
}

export interface BatchOptions {
  ca: CertificateAuthority;
  spec: BatchSpec;
  /** Output file (JSON Lines or CSV); resuming appends to it. */
  out: string;
  format: BatchFormat;
  /** Worker threads; 0 computes on the main thread with `rng`. Default: available parallelism. */
  workers?: number;
  /** Positions per worker task and per registry transaction (default 256). */
  chunk?: number;
  /** Unix seconds now (issued_at). */
  clock: () => number;
  /** Randomness for workers = 0 (workers use node:crypto). */
  rng: Rng;
  /** Called once before computing starts. */
  onStart?: (info: { batchId: number; total: number; done: number; resumed: boolean }) => void;
  /** Called after each committed and written chunk with the positions done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface BatchResult {
  batchId: number;
  count: number;
  /** Position this run started computing at (> 0 when resumed). */
  resumedFrom: number;
  /** Lines written from the registry because an interrupted run had committed but not written them. */
  rewritten: number;
  /** Certificates computed and committed by this run. */
  issued: number;
  seconds: number;
  /** issued / seconds. */
  perSecond: number;
}

/** The parameters a batch is stored and recognised by (the output file names it). */
interface BatchParams {
  out: string;
  format: BatchFormat;
  suite: Suite;
  firstSubject: string;
  count: number;
  validFrom: number;
  validTime: number;
  keyUsage: number;
  profileData: string;
}

/** Index of a complete output line (JSON Lines: the "index" member; CSV: the first cell). */
function lineIndex(line: string, format: BatchFormat): number {
  if (format === "csv") return Number(line.split(",")[0]);
  try {
    return (JSON.parse(line) as { index: number }).index;
  } catch {
    return Number.NaN;
  }
}

/**
 * Opens the output of `batch` for appending after its last complete line; a torn last line
 * (killed mid-write) is cut off. Returns the descriptor and the number of lines present.
 */
function openOutput(opts: { path: string; format: BatchFormat; committed: number }): {
  fd: number;
  printed: number;
} {
  const { path, format } = opts;
  let text = existsSync(path) ? readFileSync(path, "utf8") : "";
  text = text.slice(0, text.lastIndexOf("\n") + 1);
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  if (format === "csv" && lines.length > 0 && lines[0] !== csvHeader()) {
    throw new ZseError("BAD_FORMAT", `--out: ${path} is not this batch's CSV file`);
  }
  const data = format === "csv" ? Math.max(0, lines.length - 1) : lines.length;
  if (data > 0 && lineIndex(lines[lines.length - 1], format) !== data - 1) {
    throw new ZseError("BAD_FORMAT", `--out: ${path}: line ${data} does not hold position ${data - 1}`);
  }
  if (data > opts.committed) {
    throw new ZseError(
      "BAD_STATE",
      `--out: ${path} holds ${data} lines but the registry only ${opts.committed}`,
    );
  }
  // Cut a torn last line (a kill in the middle of a write), then append.
  if (existsSync(path)) truncateSync(path, Buffer.byteLength(text));
  const fd = openSync(path, "a", 0o600);
  if (format === "csv" && lines.length === 0) writeSync(fd, `${csvHeader()}\n`);
  return { fd, printed: data };
}

/** Spawns a batch worker; under tsx (a .ts source tree) the worker registers tsx first. */
function spawnWorker(job: BatchJob): Worker {
  const here = import.meta.url;
  if (here.endsWith(".ts")) {
    const target = new URL("./batch-worker.ts", here).href;
    const tsx = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(code, { eval: true, workerData: job });
  }
  return new Worker(new URL("./batch-worker.js", here), { workerData: job });
}

/** Issues (or resumes) a batch; see the file comment for the crash-safety argument. */
export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const { ca, spec, format } = opts;
  const reg = ca.registry;
  const key = ca.key(spec.suite);
  const out = resolve(opts.out);
  const chunk = Math.max(1, opts.chunk ?? 256);
  if (!Number.isSafeInteger(spec.count) || spec.count < 1) {
    throw new ZseError("BAD_VALUE", `--count: ${spec.count} is not a positive integer`);
  }
  const wanted: BatchParams = {
    out,
    format,
    suite: spec.suite,
    firstSubject: toHex(spec.firstSubject),
    count: spec.count,
    validFrom: spec.suite === 1 ? 0 : (spec.validFrom ?? opts.clock()),
    validTime: spec.validTime,
    keyUsage: spec.keyUsage,
    profileData: toHex(spec.profileData),
  };
  let batch: BatchRecord | undefined = reg.openBatchWriting(out);
  const resumed = batch !== undefined;
  if (batch) {
    const stored = JSON.parse(batch.params) as BatchParams;
    for (const k of Object.keys(wanted) as (keyof BatchParams)[]) {
      if (k === "validFrom" && spec.validFrom === undefined) continue;
      if (stored[k] !== wanted[k]) {
        throw new ZseError(
          "BAD_VALUE",
          `--out: the unfinished batch ${batch.id} writing ${out} has ${k} ${stored[k]}, not ${wanted[k]} (same parameters resume it)`,
        );
      }
    }
    wanted.validFrom = stored.validFrom;
  } else {
    if (existsSync(out) && readFileSync(out).length > 0) {
      throw new ZseError("EXISTS", `--out: ${out} exists and belongs to no unfinished batch`);
    }
    batch = reg.createBatch({
      params: JSON.stringify(wanted),
      suite: spec.suite,
      count: spec.count,
      firstSubject: eui64ToBigInt(spec.firstSubject),
      now: opts.clock(),
    });
  }
  const validFrom = wanted.validFrom;
  const b = batch;
  const { fd, printed } = openOutput({ path: out, format, committed: b.nextIndex });
  const write = (recs: CertificateRecord[]) => {
    if (recs.length === 0) return;
    const text = recs
      .map((r) => `${batchLine({ format, index: r.batchIndex!, view: recordView(r, key.publicKey) })}\n`)
      .join("");
    writeSync(fd, text);
  };
  try {
    // Lines committed by an interrupted run but never written.
    const missing = reg.batchRecords(b.id, printed);
    write(missing);
    opts.onStart?.({ batchId: b.id, total: b.count, done: b.nextIndex, resumed });
    const job: BatchJob = {
      suite: spec.suite,
      caPrivateKey: key.privateKey.toString(16),
      caPublicKey: key.publicKey,
      issuer: ca.issuer,
      firstSerial: b.firstSerial.toString(),
      firstSubject: b.firstSubject.toString(),
      validFrom,
      validTime: spec.validTime,
      keyUsage: spec.keyUsage,
      profileData: toHex(spec.profileData),
    };
    const start = b.nextIndex;
    let next = start;
    const commit = (from: number, rows: BatchRow[]) => {
      const now = opts.clock();
      const recs: Omit<CertificateRecord, "revokedAt">[] = rows.map((row, k) => ({
        serial: serialHex(b.firstSerial + BigInt(from + k)),
        suite: spec.suite,
        subject: (b.firstSubject + BigInt(from + k)).toString(16).padStart(16, "0"),
        issuer: ca.issuer,
        validFrom: spec.suite === 2 ? validFrom : null,
        validFor: spec.suite === 2 ? spec.validTime : null,
        keyUsage: spec.suite === 2 ? spec.keyUsage : null,
        certificate: row.certificate,
        publicKey: row.publicKey,
        privateKey: row.privateKey,
        mode: "generated",
        issuedAt: now,
        batchId: b.id,
        batchIndex: from + k,
      }));
      next = reg.commitBatchChunk({ batchId: b.id, records: recs, now });
      write(recs.map((r) => ({ ...r, revokedAt: null })));
      opts.onProgress?.(next, b.count);
    };
    const t0 = performance.now();
    const workers = opts.workers ?? availableParallelism();
    if (workers <= 0) {
      while (next < b.count) {
        const end = Math.min(b.count, next + chunk);
        commit(next, computeRange({ job, start: next, end, rng: opts.rng }));
      }
    } else {
      await runPool({ job, start, count: b.count, chunk, workers, commit });
    }
    reg.finishBatch({ batchId: b.id, now: opts.clock() });
    fsyncSync(fd);
    const seconds = (performance.now() - t0) / 1000;
    const issued = b.count - start;
    return {
      batchId: b.id,
      count: b.count,
      resumedFrom: start,
      rewritten: missing.length,
      issued,
      seconds,
      perSecond: seconds > 0 ? issued / seconds : 0,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Hands chunks to `workers` threads and commits their results strictly in position order,
 * keeping at most a few chunks per worker in flight.
 */
function runPool(opts: {
  job: BatchJob;
  start: number;
  count: number;
  chunk: number;
  workers: number;
  commit: (from: number, rows: BatchRow[]) => void;
}): Promise<void> {
  const { start, count, chunk } = opts;
  if (start >= count) return Promise.resolve();
  const n = Math.min(opts.workers, Math.ceil((count - start) / chunk));
  return new Promise<void>((resolveAll, reject) => {
    const pool: Worker[] = [];
    const done = new Map<number, BatchRow[]>();
    let dispatched = start;
    let committed = start;
    let finished = false;
    const stop = (err?: unknown) => {
      if (finished) return;
      finished = true;
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolveAll();
    };
    const feed = (w: Worker) => {
      if (dispatched >= count || dispatched - committed >= chunk * n * 4) return false;
      const end = Math.min(count, dispatched + chunk);
      w.postMessage({ start: dispatched, end });
      dispatched = end;
      return true;
    };
    const idle: Worker[] = [];
    for (let i = 0; i < n; i++) {
      const w = spawnWorker(opts.job);
      pool.push(w);
      w.on("error", (e) => stop(e));
      w.on("exit", (code) => {
        if (!finished)
          stop(new ZseError("BAD_STATE", `batch worker exited (code ${code}) before the batch was done`));
      });
      w.on("message", (m: { ready?: boolean; start: number; rows?: BatchRow[]; error?: string }) => {
        if (finished) return;
        if (m.error !== undefined)
          return stop(new ZseError("BAD_STATE", `batch worker at position ${m.start}: ${m.error}`));
        if (m.rows) done.set(m.start, m.rows);
        try {
          for (let rows = done.get(committed); rows; rows = done.get(committed)) {
            done.delete(committed);
            const from = committed;
            committed += rows.length;
            opts.commit(from, rows);
          }
        } catch (e) {
          return stop(e);
        }
        if (committed >= count) return stop();
        if (!feed(w)) idle.push(w);
        while (idle.length > 0 && feed(idle[0])) idle.shift();
      });
    }
  });
}
