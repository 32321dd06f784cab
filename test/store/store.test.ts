import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { FrameCounters } from "../../src/store/frame-counters.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { isZseError } from "../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "zse-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `s${n++}.db`);

const key = (b: number) => new Uint8Array(16).fill(b);

for (const [name, make] of [
  ["MemoryStore", () => new MemoryStore()],
  ["SqliteStore", () => new SqliteStore(freshFile())],
] as [string, () => Store][]) {
  describe(`${name}: device table and key/value`, () => {
    it("stores, replaces, lists and deletes device rows with every field", () => {
      const s = make();
      const row = {
        eui64: "0011223344556677",
        shortAddress: 0x1234,
        installCode: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
        preconfiguredKey: key(1),
        tcLinkKey: key(2),
        keStatus: "SUCCESS",
        certificateSubject: "0011223344556677",
        lastSeen: 42,
      };
      s.putDevice(row);
      s.putDevice({ eui64: "0000000000000001" });
      assert.deepEqual(s.getDevice(row.eui64), row);
      assert.deepEqual(s.getDevice("0000000000000001"), { eui64: "0000000000000001" });
      assert.deepEqual(
        s.listDevices().map((d) => d.eui64),
        ["0000000000000001", "0011223344556677"],
      );
      s.putDevice({ ...row, tcLinkKey: key(9), keStatus: "BAD_KEY_CONFIRM" });
      assert.deepEqual(s.getDevice(row.eui64)?.tcLinkKey, key(9));
      assert.equal(s.getDevice(row.eui64)?.keStatus, "BAD_KEY_CONFIRM");
      assert.equal(s.deleteDevice(row.eui64), true);
      assert.equal(s.deleteDevice(row.eui64), false);
      assert.equal(s.getDevice(row.eui64), undefined);
      s.close();
    });
    it("returns copies: mutating a returned key does not change the store", () => {
      const s = make();
      s.putDevice({ eui64: "0000000000000002", tcLinkKey: key(3) });
      const r = s.getDevice("0000000000000002")!;
      r.tcLinkKey!.fill(0);
      assert.deepEqual(s.getDevice("0000000000000002")?.tcLinkKey, key(3));
      s.close();
    });
    it("key/value and counters; a throwing transaction leaves nothing behind", () => {
      const s = make();
      s.set("a", "1");
      s.setCounterReserve("aps", 1024);
      assert.throws(
        () =>
          s.transaction(() => {
            s.set("a", "2");
            s.setCounterReserve("aps", 2048);
            s.putDevice({ eui64: "0000000000000003" });
            throw new Error("boom");
          }),
        /boom/,
      );
      assert.equal(s.get("a"), "1");
      assert.equal(s.getCounterReserve("aps"), 1024);
      assert.equal(s.getDevice("0000000000000003"), undefined);
      s.delete("a");
      assert.equal(s.get("a"), undefined);
      assert.equal(s.getCounterReserve("none"), undefined);
      s.close();
    });
  });
}

describe("SqliteStore: file, WAL and schema version", () => {
  it("persists across close/reopen in WAL mode", () => {
    const f = freshFile();
    const s = new SqliteStore(f);
    s.putDevice({ eui64: "0102030405060708", tcLinkKey: key(7) });
    s.set("nwkKey", "ab");
    s.close();
    const db = new Database(f, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    db.close();
    const t = new SqliteStore(f);
    assert.deepEqual(t.getDevice("0102030405060708")?.tcLinkKey, key(7));
    assert.equal(t.get("nwkKey"), "ab");
    t.close();
  });
  it("refuses a store of another schema version and a file that is not SQLite", () => {
    const f = freshFile();
    new SqliteStore(f).close();
    const db = new Database(f);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    assert.throws(
      () => new SqliteStore(f),
      (e: unknown) => isZseError(e, "BAD_FORMAT") && /99/.test(e.message),
    );
    const junk = freshFile();
    writeFileSync(junk, "this is not a database at all, just some text that is long enough".repeat(20));
    assert.throws(
      () => new SqliteStore(junk),
      (e: unknown) => isZseError(e, "IO"),
    );
  });
});

describe("Frame counters with a forward jump (Zigbee 05-3474 4.4.1.2)", () => {
  it("hands out increasing counters and never reuses one after a restart", () => {
    const f = freshFile();
    let s = new SqliteStore(f);
    let fc = new FrameCounters({ store: s, block: 16 });
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const c = fc.take("aps");
      assert.ok(!seen.has(c));
      seen.add(c);
    }
    assert.equal(Math.max(...seen), 39);
    // crash: no clean shutdown, just reopen from the file
    s.close();
    s = new SqliteStore(f);
    fc = new FrameCounters({ store: s, block: 16 });
    const first = fc.take("aps");
    assert.ok(first > 39, `counter after restart ${first} must be past 39`);
    assert.equal(first, 48, "resumes at the reserved bound (3 blocks of 16)");
    assert.equal(fc.take("other"), 0, "counters are per name");
    s.close();
  });
  it("writes the store once per block, not per frame", () => {
    const s = new MemoryStore();
    let writes = 0;
    const orig = s.setCounterReserve.bind(s);
    s.setCounterReserve = (name, v) => {
      writes++;
      orig(name, v);
    };
    const fc = new FrameCounters({ store: s, block: 1024 });
    for (let i = 0; i < 3000; i++) fc.take("aps");
    assert.equal(writes, 3);
    assert.equal(fc.peek("aps"), 3000);
  });
  it("refuses a block size that is not a positive integer", () => {
    assert.throws(
      () => new FrameCounters({ store: new MemoryStore(), block: 0 }),
      (e: unknown) => isZseError(e, "BAD_VALUE"),
    );
  });
});
