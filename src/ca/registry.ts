/**
 * The CA registry: one SQLite file (better-sqlite3, WAL, synchronous=FULL) holding the CA
 * public keys, the serial counter, every issued certificate, revocations and batch progress.
 * Invariants kept by the schema itself: serials unique, one live (unrevoked) certificate per
 * subject and suite, one certificate per batch position. Serial numbers are the 8-byte serial
 * field of an SE 1.4 suite 2 certificate (SE 07-5356 C.4.2.2.4); suite 1 certificates carry none
 * in their 48 bytes, so for them the serial is the registry's own identifier.
 */
import { closeSync, existsSync, openSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ZseError } from "../util/errors.js";
import type { Suite } from "./params.js";

export const REGISTRY_FILE = "ca.db";
const SCHEMA_VERSION = "1";

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ca_keys (
  suite INTEGER PRIMARY KEY CHECK (suite IN (1, 2)),
  public_key TEXT NOT NULL,
  key_file TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  params TEXT NOT NULL,
  suite INTEGER NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  first_serial TEXT NOT NULL,
  first_subject TEXT NOT NULL,
  next_index INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE certificates (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL UNIQUE,
  suite INTEGER NOT NULL CHECK (suite IN (1, 2)),
  subject TEXT NOT NULL,
  issuer TEXT NOT NULL,
  valid_from INTEGER,
  valid_for INTEGER,
  key_usage INTEGER,
  certificate TEXT NOT NULL UNIQUE,
  public_key TEXT NOT NULL,
  private_key TEXT,
  mode TEXT NOT NULL CHECK (mode IN ('generated', 'request')),
  issued_at INTEGER NOT NULL,
  batch_id INTEGER REFERENCES batches(id),
  batch_index INTEGER,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX certificates_live_subject ON certificates (suite, subject) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX certificates_batch_position ON certificates (batch_id, batch_index) WHERE batch_id IS NOT NULL;
`;

/** One certificate row as the registry returns it (hex fields lower case). */
export interface CertificateRecord {
  serial: string;
  suite: Suite;
  subject: string;
  issuer: string;
  validFrom: number | null;
  validFor: number | null;
  keyUsage: number | null;
  certificate: string;
  publicKey: string;
  /** Only for key pairs the CA generated itself (development use). */
  privateKey: string | null;
  mode: "generated" | "request";
  issuedAt: number;
  batchId: number | null;
  batchIndex: number | null;
  revokedAt: number | null;
}

/** A batch: `count` certificates for subjects first_subject + i with serials first_serial + i. */
export interface BatchRecord {
  id: number;
  params: string;
  suite: Suite;
  count: number;
  firstSerial: bigint;
  firstSubject: bigint;
  nextIndex: number;
  startedAt: number;
  finishedAt: number | null;
}

interface CertRow {
  serial: string;
  suite: number;
  subject: string;
  issuer: string;
  valid_from: number | null;
  valid_for: number | null;
  key_usage: number | null;
  certificate: string;
  public_key: string;
  private_key: string | null;
  mode: "generated" | "request";
  issued_at: number;
  batch_id: number | null;
  batch_index: number | null;
  revoked_at: number | null;
}

interface BatchRow {
  id: number;
  params: string;
  suite: number;
  count: number;
  first_serial: string;
  first_subject: string;
  next_index: number;
  started_at: number;
  finished_at: number | null;
}

/** Serial (BigInt) to the 16 lower-case hex digits used everywhere. */
export function serialHex(n: bigint): string {
  return n.toString(16).padStart(16, "0");
}

function certFromRow(r: CertRow): CertificateRecord {
  return {
    serial: r.serial,
    suite: r.suite as Suite,
    subject: r.subject,
    issuer: r.issuer,
    validFrom: r.valid_from,
    validFor: r.valid_for,
    keyUsage: r.key_usage,
    certificate: r.certificate,
    publicKey: r.public_key,
    privateKey: r.private_key,
    mode: r.mode,
    issuedAt: r.issued_at,
    batchId: r.batch_id,
    batchIndex: r.batch_index,
    revokedAt: r.revoked_at,
  };
}

function batchFromRow(r: BatchRow): BatchRecord {
  return {
    id: r.id,
    params: r.params,
    suite: r.suite as Suite,
    count: r.count,
    firstSerial: BigInt(`0x${r.first_serial}`),
    firstSubject: BigInt(`0x${r.first_subject}`),
    nextIndex: r.next_index,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Maps SQLite constraint failures to ZseErrors that say which invariant held. */
function constraint(e: unknown, what: string): never {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.includes("certificates.serial")) throw new ZseError("EXISTS", `${what}: serial already issued`);
  if (msg.includes("certificates.suite, certificates.subject") || msg.includes("live_subject")) {
    throw new ZseError("EXISTS", `${what}: the subject already holds a live certificate (revoke it first)`);
  }
  if (msg.includes("certificates.certificate"))
    throw new ZseError("EXISTS", `${what}: certificate already recorded`);
  if (msg.includes("batch")) throw new ZseError("EXISTS", `${what}: batch position already recorded`);
  throw e;
}

/**
 * A SQLite failure that is not a constraint (read-only file, disk full, I/O error) as
 * ZseError("IO"); SQLite has rolled the transaction back, so the registry is as it was.
 */
function ioError(e: unknown, path: string): unknown {
  if (e instanceof Database.SqliteError && !e.code.startsWith("SQLITE_CONSTRAINT")) {
    return new ZseError("IO", `CA registry ${path}: cannot write: ${e.message} (${e.code})`, { cause: e });
  }
  return e;
}

export class CaRegistry {
  readonly db: Database.Database;
  private insertStmt?: Database.Statement;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  private static configure(db: Database.Database): void {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
  }

  /** Creates the registry file in `dir` (which must not hold one) with its schema and issuer. */
  static create(opts: {
    dir: string;
    issuer: string;
    now: number;
    init?: (r: CaRegistry) => void;
  }): CaRegistry {
    const path = join(opts.dir, REGISTRY_FILE);
    if (existsSync(path)) throw new ZseError("EXISTS", `--dir: a CA registry already exists at ${path}`);
    // the registry holds the private keys of generated certificates: owner-only from the start
    closeSync(openSync(path, "wx", 0o600));
    const db = new Database(path);
    CaRegistry.configure(db);
    const reg = new CaRegistry(db);
    db.transaction(() => {
      db.exec(SCHEMA);
      const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
      put.run("schema_version", SCHEMA_VERSION);
      put.run("issuer", opts.issuer);
      put.run("next_serial", "1");
      put.run("created_at", String(opts.now));
      opts.init?.(reg);
    })();
    return reg;
  }

  /** Opens the registry in `dir`; NOT_FOUND when there is no CA there. */
  static open(dir: string, opts: { readonly?: boolean } = {}): CaRegistry {
    const path = join(dir, REGISTRY_FILE);
    if (!existsSync(path))
      throw new ZseError("NOT_FOUND", `--dir: no CA registry at ${path} (run zse ca init)`);
    const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: true });
    if (!opts.readonly) CaRegistry.configure(db);
    const v = (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string })
      ?.value;
    if (v !== SCHEMA_VERSION) {
      db.close();
      throw new ZseError(
        "BAD_FORMAT",
        `${path}: registry schema version ${v ?? "missing"}, expected ${SCHEMA_VERSION}`,
      );
    }
    return new CaRegistry(db);
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction (all or nothing). */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw ioError(e, this.db.name);
    }
  }

  meta(key: string): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)
      ?.value;
  }

  /** The issuer (16 hex digits) this CA writes into every certificate. */
  get issuer(): string {
    return this.meta("issuer")!;
  }

  addCaKey(opts: { suite: Suite; publicKey: string; keyFile: string; now: number }): void {
    this.db
      .prepare("INSERT INTO ca_keys (suite, public_key, key_file, created_at) VALUES (?, ?, ?, ?)")
      .run(opts.suite, opts.publicKey, opts.keyFile, opts.now);
  }

  /** CA public keys by suite. */
  caKeys(): { suite: Suite; publicKey: string; keyFile: string }[] {
    return (
      this.db.prepare("SELECT suite, public_key, key_file FROM ca_keys ORDER BY suite").all() as {
        suite: number;
        public_key: string;
        key_file: string;
      }[]
    ).map((r) => ({ suite: r.suite as Suite, publicKey: r.public_key, keyFile: r.key_file }));
  }

  /** Reserves `n` consecutive serials; call inside a transaction. Returns the first. */
  allocateSerials(n: number): bigint {
    const first = BigInt(this.meta("next_serial")!);
    const next = first + BigInt(n);
    if (next > 1n << 64n) throw new ZseError("BAD_STATE", "serial numbers exhausted (64-bit space)");
    this.db.prepare("UPDATE meta SET value = ? WHERE key = 'next_serial'").run(next.toString());
    return first;
  }

  /** Records one certificate; constraint violations become EXISTS errors. Call inside a transaction. */
  insert(rec: Omit<CertificateRecord, "revokedAt">): void {
    this.insertStmt ??= this.db.prepare(
      `INSERT INTO certificates (serial, suite, subject, issuer, valid_from, valid_for, key_usage, certificate,
         public_key, private_key, mode, issued_at, batch_id, batch_index)
       VALUES (@serial, @suite, @subject, @issuer, @validFrom, @validFor, @keyUsage, @certificate,
         @publicKey, @privateKey, @mode, @issuedAt, @batchId, @batchIndex)`,
    );
    try {
      this.insertStmt.run(rec);
    } catch (e) {
      constraint(e, `certificate for ${rec.subject}`);
    }
  }

  /** The live (unrevoked) certificate of `subject` for `suite`, if any. */
  liveBySubject(suite: Suite, subject: string): CertificateRecord | undefined {
    const r = this.db
      .prepare("SELECT * FROM certificates WHERE suite = ? AND subject = ? AND revoked_at IS NULL")
      .get(suite, subject) as CertRow | undefined;
    return r && certFromRow(r);
  }

  bySerial(serial: string): CertificateRecord | undefined {
    const r = this.db.prepare("SELECT * FROM certificates WHERE serial = ?").get(serial) as
      | CertRow
      | undefined;
    return r && certFromRow(r);
  }

  /** Every certificate, in issue order; `revoked` limits to revoked ones. */
  list(opts: { revoked?: boolean } = {}): CertificateRecord[] {
    const where = opts.revoked ? "WHERE revoked_at IS NOT NULL" : "";
    return (this.db.prepare(`SELECT * FROM certificates ${where} ORDER BY id`).all() as CertRow[]).map(
      certFromRow,
    );
  }

  /** Certificates of one batch from position `from` on, by position. */
  batchRecords(batchId: number, from = 0): CertificateRecord[] {
    return (
      this.db
        .prepare("SELECT * FROM certificates WHERE batch_id = ? AND batch_index >= ? ORDER BY batch_index")
        .all(batchId, from) as CertRow[]
    ).map(certFromRow);
  }

  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM certificates").get() as { n: number }).n;
  }

  /**
   * Revokes by serial or by subject (every live certificate of that EUI-64, any suite).
   * Returns the revoked records; NOT_FOUND when nothing live matched.
   */
  revoke(opts: { serial?: string; subject?: string; now: number }): CertificateRecord[] {
    return this.transaction(() => {
      const rows = (
        opts.serial !== undefined
          ? this.db.prepare("SELECT * FROM certificates WHERE serial = ?").all(opts.serial)
          : this.db
              .prepare("SELECT * FROM certificates WHERE subject = ? AND revoked_at IS NULL")
              .all(opts.subject ?? "")
      ) as CertRow[];
      const what = opts.serial !== undefined ? `--serial ${opts.serial}` : `--subject ${opts.subject}`;
      if (rows.length === 0) throw new ZseError("NOT_FOUND", `${what}: no such certificate in this CA`);
      const live = rows.filter((r) => r.revoked_at === null);
      if (live.length === 0) throw new ZseError("BAD_STATE", `${what}: already revoked`);
      const upd = this.db.prepare("UPDATE certificates SET revoked_at = ? WHERE serial = ?");
      for (const r of live) upd.run(opts.now, r.serial);
      return live.map((r) => certFromRow({ ...r, revoked_at: opts.now }));
    });
  }

  /** An unfinished batch started with exactly these parameters, if any. */
  openBatch(params: string): BatchRecord | undefined {
    const r = this.db
      .prepare("SELECT * FROM batches WHERE params = ? AND finished_at IS NULL ORDER BY id LIMIT 1")
      .get(params) as BatchRow | undefined;
    return r && batchFromRow(r);
  }

  /** The unfinished batch whose parameters name output file `out`, if any. */
  openBatchWriting(out: string): BatchRecord | undefined {
    const r = this.db
      .prepare(
        "SELECT * FROM batches WHERE json_extract(params, '$.out') = ? AND finished_at IS NULL ORDER BY id LIMIT 1",
      )
      .get(out) as BatchRow | undefined;
    return r && batchFromRow(r);
  }

  batch(id: number): BatchRecord | undefined {
    const r = this.db.prepare("SELECT * FROM batches WHERE id = ?").get(id) as BatchRow | undefined;
    return r && batchFromRow(r);
  }

  /** Creates a batch and reserves its serial range in one transaction. */
  createBatch(opts: {
    params: string;
    suite: Suite;
    count: number;
    firstSubject: bigint;
    now: number;
  }): BatchRecord {
    const last = opts.firstSubject + BigInt(opts.count) - 1n;
    if (last >= 1n << 64n)
      throw new ZseError("BAD_VALUE", `--count: ${opts.count} subjects run past ffffffffffffffff`);
    const lo = opts.firstSubject.toString(16).padStart(16, "0");
    const hi = last.toString(16).padStart(16, "0");
    return this.transaction(() => {
      const taken = this.db
        .prepare(
          "SELECT subject FROM certificates WHERE suite = ? AND revoked_at IS NULL AND subject BETWEEN ? AND ? ORDER BY subject LIMIT 1",
        )
        .get(opts.suite, lo, hi) as { subject: string } | undefined;
      if (taken) {
        throw new ZseError(
          "EXISTS",
          `--subject: ${taken.subject} in ${lo}..${hi} already holds a live certificate`,
        );
      }
      const open = (
        this.db
          .prepare("SELECT * FROM batches WHERE finished_at IS NULL AND suite = ?")
          .all(opts.suite) as BatchRow[]
      )
        .map(batchFromRow)
        .find((o) => o.firstSubject <= last && opts.firstSubject < o.firstSubject + BigInt(o.count));
      if (open) {
        throw new ZseError(
          "EXISTS",
          `--subject: ${lo}..${hi} overlaps the subjects of unfinished batch ${open.id}`,
        );
      }
      const firstSerial = this.allocateSerials(opts.count);
      const info = this.db
        .prepare(
          "INSERT INTO batches (params, suite, count, first_serial, first_subject, started_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(opts.params, opts.suite, opts.count, serialHex(firstSerial), lo, opts.now);
      return this.batch(Number(info.lastInsertRowid))!;
    });
  }

  /**
   * Commits certificates of a batch and its new next index in ONE transaction, so progress and
   * certificates never disagree after a crash. Positions must continue exactly at next_index.
   */
  commitBatchChunk(opts: {
    batchId: number;
    records: Omit<CertificateRecord, "revokedAt">[];
    now: number;
  }): number {
    return this.transaction(() => {
      const b = this.batch(opts.batchId);
      if (!b) throw new ZseError("NOT_FOUND", `batch ${opts.batchId} does not exist`);
      let next = b.nextIndex;
      for (const rec of opts.records) {
        if (rec.batchIndex !== next) {
          throw new ZseError(
            "BAD_STATE",
            `batch ${b.id}: position ${rec.batchIndex} committed out of order (expected ${next})`,
          );
        }
        this.insert(rec);
        next++;
      }
      this.db
        .prepare("UPDATE batches SET next_index = ?, finished_at = ? WHERE id = ?")
        .run(next, next >= b.count ? opts.now : null, b.id);
      return next;
    });
  }

  /** Marks a batch whose positions are all committed as finished. */
  finishBatch(opts: { batchId: number; now: number }): void {
    this.transaction(() =>
      this.db
        .prepare(
          "UPDATE batches SET finished_at = ? WHERE id = ? AND finished_at IS NULL AND next_index >= count",
        )
        .run(opts.now, opts.batchId),
    );
  }

  /** Consistency check: every batch's next_index equals its committed certificates; serials below the counter. */
  check(): string[] {
    const problems: string[] = [];
    const batches = (this.db.prepare("SELECT * FROM batches").all() as BatchRow[]).map(batchFromRow);
    for (const b of batches) {
      const { n, lo, hi } = this.db
        .prepare(
          "SELECT COUNT(*) AS n, MIN(batch_index) AS lo, MAX(batch_index) AS hi FROM certificates WHERE batch_id = ?",
        )
        .get(b.id) as { n: number; lo: number | null; hi: number | null };
      if (n !== b.nextIndex || (n > 0 && (lo !== 0 || hi !== n - 1))) {
        problems.push(`batch ${b.id}: next_index ${b.nextIndex} but ${n} certificates at ${lo}..${hi}`);
      }
    }
    const next = BigInt(this.meta("next_serial")!);
    const max = this.db.prepare("SELECT MAX(serial) AS m FROM certificates").get() as { m: string | null };
    if (max.m !== null && BigInt(`0x${max.m}`) >= next)
      problems.push(`serial ${max.m} at or above the counter ${next}`);
    return problems;
  }
}
