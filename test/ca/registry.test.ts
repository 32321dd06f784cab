import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { CaRegistry, type CertificateRecord, serialHex } from "../../src/ca/registry.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "zse-reg-"));
}

function rec(over: Partial<CertificateRecord>): Omit<CertificateRecord, "revokedAt"> {
  return {
    serial: serialHex(1n),
    suite: 2,
    subject: "0011223344556677",
    issuer: "1112131415161718",
    validFrom: 0,
    validFor: 0xffffffff,
    keyUsage: 8,
    certificate: "00",
    publicKey: "02",
    privateKey: null,
    mode: "request",
    issuedAt: 1,
    batchId: null,
    batchIndex: null,
    ...over,
  };
}

describe("CA registry (SQLite, WAL)", () => {
  it("creates once, opens, and keeps WAL mode", () => {
    const dir = tmp();
    try {
      CaRegistry.create({ dir, issuer: "1112131415161718", now: 5 }).close();
      assert.throws(
        () => CaRegistry.create({ dir, issuer: "00", now: 6 }),
        (e: unknown) => isZseError(e, "EXISTS"),
      );
      const r = CaRegistry.open(dir);
      assert.equal(r.issuer, "1112131415161718");
      assert.equal(r.db.pragma("journal_mode", { simple: true }), "wal");
      r.close();
      assert.throws(
        () => CaRegistry.open(join(dir, "nope")),
        (e: unknown) => isZseError(e, "NOT_FOUND"),
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("serials are allocated consecutively and unique; one live certificate per subject and suite", () => {
    const dir = tmp();
    try {
      const r = CaRegistry.create({ dir, issuer: "1112131415161718", now: 5 });
      const s1 = r.transaction(() => r.allocateSerials(1));
      const s2 = r.transaction(() => r.allocateSerials(3));
      assert.equal(s2, s1 + 1n);
      assert.equal(
        r.transaction(() => r.allocateSerials(1)),
        s2 + 3n,
      );
      r.transaction(() => r.insert(rec({ serial: serialHex(s1), certificate: "aa" })));
      assert.throws(
        () =>
          r.transaction(() =>
            r.insert(rec({ serial: serialHex(s1), subject: "0000000000000001", certificate: "ab" })),
          ),
        (e: unknown) => isZseError(e, "EXISTS") && /serial already issued/.test(e.message),
      );
      assert.throws(
        () => r.transaction(() => r.insert(rec({ serial: serialHex(s2), certificate: "ac" }))),
        (e: unknown) => isZseError(e, "EXISTS") && /live certificate/.test(e.message),
      );
      // the same subject on the other suite is a different certificate
      r.transaction(() => r.insert(rec({ serial: serialHex(s2), suite: 1, certificate: "ad" })));
      assert.equal(r.count(), 2);
      assert.deepEqual(r.check(), []);
      r.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("revocation by serial and by subject frees the subject", () => {
    const dir = tmp();
    try {
      const r = CaRegistry.create({ dir, issuer: "1112131415161718", now: 5 });
      r.transaction(() => r.insert(rec({ serial: serialHex(1n), certificate: "aa" })));
      r.transaction(() => r.insert(rec({ serial: serialHex(2n), suite: 1, certificate: "ab" })));
      const out = r.revoke({ subject: "0011223344556677", now: 9 });
      assert.deepEqual(out.map((c) => c.serial).sort(), [serialHex(1n), serialHex(2n)]);
      assert.throws(
        () => r.revoke({ serial: serialHex(1n), now: 10 }),
        (e: unknown) => isZseError(e, "BAD_STATE"),
      );
      assert.throws(
        () => r.revoke({ serial: serialHex(7n), now: 10 }),
        (e: unknown) => isZseError(e, "NOT_FOUND"),
      );
      assert.equal(r.list({ revoked: true }).length, 2);
      r.transaction(() => r.insert(rec({ serial: serialHex(3n), certificate: "ac" })));
      assert.equal(r.liveBySubject(2, "0011223344556677")?.serial, serialHex(3n));
      r.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("batch chunks commit with their progress, in order only", () => {
    const dir = tmp();
    try {
      const r = CaRegistry.create({ dir, issuer: "1112131415161718", now: 5 });
      const b = r.createBatch({ params: "p", suite: 2, count: 3, firstSubject: 0x10n, now: 6 });
      assert.equal(r.openBatch("p")?.id, b.id);
      const row = (i: number) =>
        rec({
          serial: serialHex(b.firstSerial + BigInt(i)),
          subject: (0x10 + i).toString(16).padStart(16, "0"),
          certificate: `c${i}`,
          batchId: b.id,
          batchIndex: i,
        });
      assert.equal(r.commitBatchChunk({ batchId: b.id, records: [row(0), row(1)], now: 7 }), 2);
      assert.throws(
        () => r.commitBatchChunk({ batchId: b.id, records: [row(0)], now: 7 }),
        (e: unknown) => isZseError(e, "BAD_STATE"),
      );
      assert.equal(r.batch(b.id)?.nextIndex, 2, "a failed chunk leaves progress unchanged");
      r.commitBatchChunk({ batchId: b.id, records: [row(2)], now: 8 });
      assert.equal(r.batch(b.id)?.finishedAt, 8);
      assert.equal(r.openBatch("p"), undefined);
      assert.deepEqual(r.check(), []);
      // an inconsistent registry is reported
      r.db.prepare("UPDATE batches SET next_index = 1").run();
      assert.equal(r.check().length, 1);
      r.close();
      const raw = new Database(join(dir, "ca.db"));
      assert.equal((raw.prepare("SELECT COUNT(*) n FROM certificates").get() as { n: number }).n, 3);
      raw.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe("CA registry batches refuse taken subjects", () => {
  it("nothing is written when a subject in the range is live", () => {
    const dir = tmp();
    try {
      const r = CaRegistry.create({ dir, issuer: "1112131415161718", now: 5 });
      r.transaction(() =>
        r.insert(
          rec({ serial: serialHex(r.allocateSerials(1)), subject: "0000000000000012", certificate: "aa" }),
        ),
      );
      const before = r.meta("next_serial");
      assert.throws(
        () => r.createBatch({ params: "q", suite: 2, count: 5, firstSubject: 0x10n, now: 6 }),
        (e: unknown) => isZseError(e, "EXISTS") && /0000000000000012/.test(e.message),
      );
      assert.throws(
        () => r.createBatch({ params: "q", suite: 2, count: 2, firstSubject: (1n << 64n) - 1n, now: 6 }),
        (e: unknown) => isZseError(e, "BAD_VALUE"),
      );
      assert.equal(r.meta("next_serial"), before);
      assert.equal(r.openBatch("q"), undefined);
      // suite 1 range is free
      assert.ok(r.createBatch({ params: "q", suite: 1, count: 5, firstSubject: 0x10n, now: 6 }));
      // ... until an unfinished batch reserves it
      assert.throws(
        () => r.createBatch({ params: "r", suite: 1, count: 2, firstSubject: 0x0fn, now: 6 }),
        (e: unknown) => isZseError(e, "EXISTS") && /unfinished batch/.test(e.message),
      );
      assert.ok(r.createBatch({ params: "r", suite: 1, count: 2, firstSubject: 0x15n, now: 6 }));
      r.close();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe("CA registry invariants under random operation sequences (fast-check)", () => {
  it("issue/revoke in any order: serials unique, at most one live certificate per subject and suite", () => {
    type Op =
      | { kind: "issue"; suite: 1 | 2; subject: number }
      | { kind: "revokeSubject"; subject: number }
      | { kind: "revokeSerial"; pick: number };
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("issue" as const),
        suite: fc.constantFrom(1 as const, 2 as const),
        subject: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant("revokeSubject" as const), subject: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant("revokeSerial" as const), pick: fc.nat() }),
    );
    const dir = tmp();
    let run = 0;
    try {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 25 }), (ops: Op[]) => {
          const sub = join(dir, String(run++));
          mkdirSync(sub);
          const r = CaRegistry.create({ dir: sub, issuer: "1112131415161718", now: 0 });
          const live = new Map<string, string>(); // suite:subject -> serial
          const all: string[] = [];
          try {
            for (const o of ops) {
              if (o.kind === "issue") {
                const subject = o.subject.toString(16).padStart(16, "0");
                const key = `${o.suite}:${subject}`;
                try {
                  r.transaction(() => {
                    const serial = serialHex(r.allocateSerials(1));
                    r.insert(rec({ serial, suite: o.suite, subject, certificate: `c${serial}` }));
                    live.set(key, serial);
                    all.push(serial);
                  });
                } catch (e) {
                  assert.ok(isZseError(e, "EXISTS") && live.has(key), String(e));
                }
              } else if (o.kind === "revokeSubject") {
                const subject = o.subject.toString(16).padStart(16, "0");
                const expected = [...live.entries()].filter(([k]) => k.endsWith(`:${subject}`));
                try {
                  const out = r.revoke({ subject, now: 1 });
                  assert.deepEqual(out.map((c) => c.serial).sort(), expected.map(([, s]) => s).sort());
                } catch (e) {
                  assert.ok(isZseError(e, "NOT_FOUND") && expected.length === 0, String(e));
                }
                for (const [k] of expected) live.delete(k);
              } else if (all.length > 0) {
                const serial = all[o.pick % all.length];
                const wasLive = [...live.entries()].find(([, s]) => s === serial);
                try {
                  r.revoke({ serial, now: 1 });
                  assert.ok(wasLive);
                  live.delete(wasLive[0]);
                } catch (e) {
                  assert.ok(isZseError(e, "BAD_STATE") && !wasLive, String(e));
                }
              }
              assert.deepEqual(r.check(), []);
            }
            const rows = r.list();
            assert.equal(new Set(rows.map((x) => x.serial)).size, rows.length);
            assert.equal(rows.filter((x) => x.revokedAt === null).length, live.size);
            // the serial counter never goes back: serials rise in issue order
            assert.deepEqual(
              rows.map((x) => x.serial),
              [...rows.map((x) => x.serial)].sort(),
            );
          } finally {
            r.close();
          }
        }),
        { numRuns: 25, seed: 77 },
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
