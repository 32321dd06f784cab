/**
 * `Store` on SQLite through better-sqlite3@12: one file, WAL journal, every write in a
 * transaction, a schema version tag in the `meta` table (a file of another version is
 * refused rather than guessed at). Synchronous, like better-sqlite3 itself.
 */
import { closeSync, existsSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import type { Eui64Hex } from "../engine/types.js";
import { ZseError } from "../util/errors.js";
import { type DeviceRecord, STORE_SCHEMA_VERSION, type Store } from "./store.js";

interface DeviceRow {
  eui64: string;
  short_address: number | null;
  install_code: Buffer | null;
  preconfigured_key: Buffer | null;
  tc_link_key: Buffer | null;
  ke_status: string | null;
  certificate_subject: string | null;
  last_seen: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  eui64 TEXT PRIMARY KEY, short_address INTEGER, install_code BLOB, preconfigured_key BLOB,
  tc_link_key BLOB, ke_status TEXT, certificate_subject TEXT, last_seen INTEGER);
CREATE TABLE IF NOT EXISTS frame_counters (name TEXT PRIMARY KEY, reserved INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const blob = (b: Uint8Array | undefined): Buffer | null => (b ? Buffer.from(b) : null);
const bytes = (b: Buffer | null): Uint8Array | undefined => (b ? new Uint8Array(b) : undefined);

function toRecord(row: DeviceRow): DeviceRecord {
  const r: DeviceRecord = { eui64: row.eui64 };
  if (row.short_address !== null) r.shortAddress = row.short_address;
  const ic = bytes(row.install_code);
  if (ic) r.installCode = ic;
  const pk = bytes(row.preconfigured_key);
  if (pk) r.preconfiguredKey = pk;
  const tk = bytes(row.tc_link_key);
  if (tk) r.tcLinkKey = tk;
  if (row.ke_status !== null) r.keStatus = row.ke_status;
  if (row.certificate_subject !== null) r.certificateSubject = row.certificate_subject;
  if (row.last_seen !== null) r.lastSeen = row.last_seen;
  return r;
}

export class SqliteStore implements Store {
  readonly path: string;
  private db: Database.Database;
  private stmts: {
    getDevice: Database.Statement<[string], DeviceRow>;
    putDevice: Database.Statement<unknown[]>;
    deleteDevice: Database.Statement<[string]>;
    listDevices: Database.Statement<[], DeviceRow>;
    getCounter: Database.Statement<[string], { reserved: number }>;
    setCounter: Database.Statement<[string, number]>;
    get: Database.Statement<[string], { value: string }>;
    set: Database.Statement<[string, string]>;
    delete: Database.Statement<[string]>;
  };

  /** Opens (creating if needed) the store at `path` (":memory:" for a private in-memory db). */
  constructor(path: string) {
    this.path = path;
    try {
      // the store holds link keys and the network key: create the file owner-only (SQLite
      // gives its -wal and -shm files the same mode)
      if (path !== ":memory:" && path !== "" && !existsSync(path)) closeSync(openSync(path, "wx", 0o600));
      this.db = new Database(path);
    } catch (e) {
      throw new ZseError("IO", `store: cannot open "${path}": ${(e as Error).message}`, { cause: e });
    }
    try {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      this.db.exec(SCHEMA);
      const v = this.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
        | { value: string }
        | undefined;
      if (!v) {
        this.db
          .prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)")
          .run(String(STORE_SCHEMA_VERSION));
      } else if (v.value !== String(STORE_SCHEMA_VERSION)) {
        throw new ZseError(
          "BAD_FORMAT",
          `store: "${path}" has schema version ${v.value}, this build reads ${STORE_SCHEMA_VERSION}`,
        );
      }
    } catch (e) {
      this.db.close();
      if (e instanceof ZseError) throw e;
      throw new ZseError("IO", `store: "${path}" is not a zigbee-se store: ${(e as Error).message}`, {
        cause: e,
      });
    }
    this.stmts = {
      getDevice: this.db.prepare("SELECT * FROM devices WHERE eui64 = ?"),
      putDevice: this.db.prepare(
        `INSERT OR REPLACE INTO devices (eui64, short_address, install_code, preconfigured_key,
         tc_link_key, ke_status, certificate_subject, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteDevice: this.db.prepare("DELETE FROM devices WHERE eui64 = ?"),
      listDevices: this.db.prepare("SELECT * FROM devices ORDER BY eui64"),
      getCounter: this.db.prepare("SELECT reserved FROM frame_counters WHERE name = ?"),
      setCounter: this.db.prepare("INSERT OR REPLACE INTO frame_counters (name, reserved) VALUES (?, ?)"),
      get: this.db.prepare("SELECT value FROM kv WHERE key = ?"),
      set: this.db.prepare("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)"),
      delete: this.db.prepare("DELETE FROM kv WHERE key = ?"),
    };
  }

  getDevice(eui64: Eui64Hex): DeviceRecord | undefined {
    const row = this.stmts.getDevice.get(eui64);
    return row ? toRecord(row) : undefined;
  }
  putDevice(r: DeviceRecord): void {
    this.write(`write device ${r.eui64}`, () =>
      this.stmts.putDevice.run(
        r.eui64,
        r.shortAddress ?? null,
        blob(r.installCode),
        blob(r.preconfiguredKey),
        blob(r.tcLinkKey),
        r.keStatus ?? null,
        r.certificateSubject ?? null,
        r.lastSeen ?? null,
      ),
    );
  }
  deleteDevice(eui64: Eui64Hex): boolean {
    return this.write(`delete device ${eui64}`, () => this.stmts.deleteDevice.run(eui64).changes > 0);
  }
  listDevices(): DeviceRecord[] {
    return this.stmts.listDevices.all().map(toRecord);
  }
  getCounterReserve(name: string): number | undefined {
    return this.stmts.getCounter.get(name)?.reserved;
  }
  setCounterReserve(name: string, reserved: number): void {
    this.write(`reserve frame counter "${name}"`, () => this.stmts.setCounter.run(name, reserved));
  }
  get(key: string): string | undefined {
    return this.stmts.get.get(key)?.value;
  }
  set(key: string, value: string): void {
    this.write(`write "${key}"`, () => this.stmts.set.run(key, value));
  }
  delete(key: string): void {
    this.write(`delete "${key}"`, () => this.stmts.delete.run(key));
  }
  transaction<T>(fn: () => T): T {
    return this.write("commit a transaction", () => this.db.transaction(fn)());
  }
  /**
   * Runs one write; a SQLite failure (read-only file, disk full, I/O error) becomes
   * ZseError("IO") naming the operation. SQLite has rolled the statement (or transaction) back,
   * so the previous state is intact.
   */
  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Database.SqliteError) {
        throw new ZseError("IO", `store "${this.path}": cannot ${what}: ${e.message} (${e.code})`, {
          cause: e,
        });
      }
      throw e;
    }
  }
  close(): void {
    if (this.db.open) this.db.close();
  }
}
