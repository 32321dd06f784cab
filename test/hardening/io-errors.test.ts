/**
 * Databases that cannot be written (issue 9 item 3): the Trust Center store and the CA
 * registry on a read-only database and on a full disk (simulated with PRAGMA max_page_count, or
 * PRAGMA query_only for read-only when the tests run as root, where file modes do not bind)
 * report ZseError("IO") naming the store and the operation, and keep their previous state.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { CertificateAuthority, initCa } from "../../src/ca/authority.js";
import { FrameCounters } from "../../src/store/frame-counters.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import type { DeviceRecord } from "../../src/store/store.js";
import { isZseError } from "../../src/util/errors.js";
import { assertWritable, writeFileAtomic } from "../../src/util/files.js";
import { SeededRng } from "../../src/util/rng.js";

const dir = mkdtempSync(join(tmpdir(), "zse-io-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

const dbOf = (s: SqliteStore) => (s as unknown as { db: Database.Database }).db;
const device = (i: number): DeviceRecord => ({
  eui64: i.toString(16).padStart(16, "0"),
  tcLinkKey: new Uint8Array(16).fill(i & 0xff),
  installCode: new Uint8Array(18).fill(7),
  keStatus: "SUCCESS",
});

function isIo(e: unknown): boolean {
  return isZseError(e, "IO") && /store|registry/.test((e as Error).message);
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe("Trust Center store that cannot be written", () => {
  it("full disk: IO error, the failed transaction leaves nothing, earlier rows intact", () => {
    const path = join(dir, "full.db");
    const store = new SqliteStore(path);
    for (let i = 1; i <= 5; i++) store.putDevice(device(i));
    const counters = new FrameCounters({ store, block: 4 });
    const used = [counters.take("aps"), counters.take("aps")];
    const before = store.listDevices();
    const db = dbOf(store);
    db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
    assert.throws(
      () =>
        store.transaction(() => {
          for (let i = 100; i < 5000; i++) store.putDevice(device(i));
        }),
      isIo,
    );
    assert.deepEqual(store.listDevices(), before, "the failed transaction wrote nothing");
    // single writes fail the same way once the file is full
    let failed = false;
    for (let i = 100; i < 5000 && !failed; i++) {
      try {
        store.putDevice(device(i));
      } catch (e) {
        assert.ok(isIo(e), String(e));
        failed = true;
      }
    }
    assert.ok(failed, "the page limit was never reached");
    store.close();
    assert.equal(integrity(path), "ok");
    const again = new SqliteStore(path);
    for (const r of before) assert.deepEqual(again.getDevice(r.eui64), r);
    assert.ok(new FrameCounters({ store: again }).take("aps") > Math.max(...used));
    again.close();
  });

  it("read-only database: IO error on every write, reads still work", () => {
    const path = join(dir, "ro.db");
    let store = new SqliteStore(path);
    store.putDevice(device(1));
    store.set("nwk-key", "00112233");
    store.close();
    if (isRoot) {
      store = new SqliteStore(path);
      dbOf(store).pragma("query_only = ON");
    } else {
      chmodSync(path, 0o444);
      try {
        store = new SqliteStore(path);
      } catch (e) {
        // opening may already fail (WAL needs to write); it must then be an IO error too
        assert.ok(isZseError(e, "IO"), String(e));
        return;
      }
    }
    assert.throws(() => store.putDevice(device(2)), isIo);
    assert.throws(() => store.set("nwk-key", "ff"), isIo);
    assert.throws(() => store.setCounterReserve("aps", 1024), isIo);
    // a frame counter whose reservation cannot be written is never handed out
    assert.throws(() => new FrameCounters({ store }).take("aps"), isIo);
    assert.throws(() => store.deleteDevice(device(1).eui64), isIo);
    assert.deepEqual(store.getDevice(device(1).eui64), device(1));
    assert.equal(store.get("nwk-key"), "00112233");
    assert.equal(store.getDevice(device(2).eui64), undefined);
    store.close();
  });
});

describe("CA registry that cannot be written", () => {
  const caDir = join(dir, "ca");
  const rng = new SeededRng(5);
  initCa({ dir: caDir, suites: [1], rng, now: 1 });
  const subject = (i: number) => Uint8Array.from([0, 0, 0, 0, 0, 0, i >> 8, i & 0xff]);

  it("full disk: issuing fails with IO, nothing half-written, registry consistent", () => {
    const ca = CertificateAuthority.open(caDir);
    ca.issue({ suite: 1, subject: subject(1), rng, now: 2 });
    const db = ca.registry.db;
    db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
    let issued = 1;
    let error: unknown;
    for (let i = 2; i < 2000 && error === undefined; i++) {
      const countBefore = ca.registry.count();
      try {
        ca.issue({ suite: 1, subject: subject(i), rng, now: 2 });
        issued++;
      } catch (e) {
        error = e;
        assert.equal(ca.registry.count(), countBefore, "the failed issue left no row");
      }
    }
    assert.ok(isIo(error), String(error));
    assert.deepEqual(ca.registry.check(), []);
    ca.registry.close();
    assert.equal(integrity(join(caDir, "ca.db")), "ok");
    const reopened = CertificateAuthority.open(caDir);
    assert.equal(reopened.registry.count(), issued);
    // the serial counter did not move for the failed certificate: the next one follows on
    const next = reopened.issue({ suite: 1, subject: subject(3000), rng, now: 3 });
    assert.equal(BigInt(`0x${next.serial}`), BigInt(issued + 1));
    reopened.registry.close();
  });

  it("read-only registry: revoking and issuing fail with IO, nothing changes", () => {
    const ca = CertificateAuthority.open(caDir);
    const count = ca.registry.count();
    ca.registry.db.pragma("query_only = ON");
    assert.throws(() => ca.issue({ suite: 1, subject: subject(4000), rng, now: 4 }), isIo);
    assert.throws(() => ca.registry.revoke({ subject: "0000000000000001", now: 4 }), isIo);
    assert.equal(ca.registry.count(), count);
    assert.equal(ca.registry.list({ revoked: true }).length, 0);
    ca.registry.close();
  });
});

describe("output files (util/files.ts): all or nothing", () => {
  it("a replacement that cannot land leaves the old file whole and no temporary file", () => {
    const sub = mkdtempSync(join(dir, "out-"));
    const target = join(sub, "taken");
    mkdirSync(target); // a directory where the file should go: the final rename fails
    writeFileSync(join(target, "inside"), "keep");
    assert.throws(
      () => writeFileAtomic(target, "new", 0o644, "--out"),
      (e) => isZseError(e, "IO") && /^--out: cannot write ".*taken": EISDIR$/.test(e.message),
    );
    assert.deepEqual(readdirSync(sub), ["taken"]);
    assert.equal(readFileSync(join(target, "inside"), "utf8"), "keep");
    const file = join(sub, "file.txt");
    writeFileSync(file, "old");
    writeFileAtomic(file, new TextEncoder().encode("new bytes"), 0o600, "--out");
    assert.equal(readFileSync(file, "utf8"), "new bytes");
    assert.deepEqual(readdirSync(sub).sort(), ["file.txt", "taken"]);
  });

  it("assertWritable names the option and the reason; a new file in a writable directory passes", () => {
    assert.throws(
      () => assertWritable(join(dir, "missing", "x"), "--pcap"),
      (e) => isZseError(e, "IO") && /^--pcap: cannot write .*: directory .*missing: ENOENT$/.test(e.message),
    );
    assert.throws(
      () => assertWritable(dir, "--keys"),
      (e) => isZseError(e, "IO") && /is not a regular file/.test(e.message),
    );
    assertWritable(join(dir, "new-file"), "--pcap");
    assert.equal(readdirSync(dir).includes("new-file"), false, "checking creates nothing");
  });
});
