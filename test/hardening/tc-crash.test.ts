/**
 * Crash safety of the Trust Center's SQLite store (issue 9 item 3; Zigbee 05-3474 4.4.1.2: an
 * outgoing frame counter never repeats for a key). A child process (tc-child.ts) runs the TC
 * side of joins for many meters; the parent SIGKILLs it at random moments, restarts it from the
 * same database, and checks after every kill: each key the child printed (it prints only after
 * the commit) is in the database with the same bytes, the restarted TC's first frame counter is
 * beyond every counter used before, and PRAGMA integrity_check says "ok".
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { toHex } from "../../src/util/bytes.js";
import { SeededRng } from "../../src/util/rng.js";

const dir = mkdtempSync(join(tmpdir(), "zse-crash-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const CHILD = new URL("./tc-child.ts", import.meta.url).pathname;
const TOTAL = 1000;
const KILLS = 6;

interface RunResult {
  start: number;
  keys: { eui64: string; key: string; counter: number }[];
  /** Every outgoing APS frame counter the child took. */
  counters: { name: string; n: number }[];
  done: boolean;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the child; with `killAfterKeys` it is SIGKILLed `killDelayMs` after it printed that many
 * keys, while it is busy with the devices after them (so every kill lands mid-work).
 */
function runChild(opts: {
  db: string;
  first: number;
  count: number;
  seed: number;
  killAfterKeys?: number;
  killDelayMs?: number;
}) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", CHILD, opts.db, String(opts.first), String(opts.count), String(opts.seed)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const result: RunResult = { start: -1, keys: [], counters: [], done: false, signal: null };
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdout.on("data", (d) => {
      buffered += d;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const [tag, a, b, c] = line.split(" ");
        if (tag === "START") result.start = Number(a);
        else if (tag === "KEY") {
          result.keys.push({ eui64: a, key: b, counter: Number(c) });
          if (result.keys.length === opts.killAfterKeys)
            setTimeout(() => child.kill("SIGKILL"), opts.killDelayMs ?? 0);
        } else if (tag === "CTR") result.counters.push({ name: a, n: Number(b) });
        else if (tag === "DONE") result.done = true;
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      result.signal = signal;
      if (signal === null && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve(result);
    });
  });
}

function checkDatabase(db: string, acknowledged: Map<string, string>): void {
  const raw = new Database(db);
  try {
    assert.equal(raw.pragma("integrity_check", { simple: true }), "ok");
  } finally {
    raw.close();
  }
  const store = new SqliteStore(db);
  try {
    for (const [eui64, key] of acknowledged) {
      const got = store.getDevice(eui64)?.tcLinkKey;
      assert.ok(got, `acknowledged key of ${eui64} lost`);
      assert.equal(toHex(got), key, `key of ${eui64} changed`);
    }
  } finally {
    store.close();
  }
}

describe("Trust Center store under SIGKILL (05-3474 4.4.1.2)", () => {
  it(`loses no acknowledged key and reuses no frame counter across ${KILLS} kills`, {
    timeout: 180_000,
  }, async () => {
    const db = join(dir, "tc.db");
    const rng = new SeededRng(0xdead);
    const acknowledged = new Map<string, string>();
    const lastUsed = new Map<string, number>();
    let kills = 0;
    let counterUses = 0;
    for (let run = 0; acknowledged.size < TOTAL; run++) {
      assert.ok(run < 40, "the child makes no progress");
      const remaining = TOTAL - acknowledged.size;
      // kill after a random share of what is left, leaving enough for the kills still to come
      const killAfterKeys =
        kills < KILLS ? 1 + rng.int(Math.max(1, Math.floor(remaining / (KILLS - kills + 1)))) : undefined;
      const res = await runChild({
        db,
        first: run * 100_000,
        count: remaining,
        seed: run + 1,
        killAfterKeys,
        killDelayMs: rng.int(20),
      });
      assert.ok(res.start >= 0, "the child printed START");
      const apsBefore = lastUsed.get("aps") ?? -1;
      assert.ok(
        res.start > apsBefore,
        `restart ${run}: first counter ${res.start} does not pass ${apsBefore}, used before the kill`,
      );
      for (const k of res.keys) acknowledged.set(k.eui64, k.key);
      // Per key: strictly increasing within the run and beyond every use of earlier runs.
      for (const { name, n } of res.counters) {
        const last = lastUsed.get(name) ?? -1;
        assert.ok(n > last, `counter "${name}" ${n} after ${last}: reused or not increasing (run ${run})`);
        lastUsed.set(name, n);
      }
      counterUses += res.counters.length;
      if (res.signal === "SIGKILL") kills++;
      else assert.ok(res.done, "a run that was not killed finishes");
      checkDatabase(db, acknowledged);
    }
    assert.ok(kills >= KILLS, `only ${kills} kills landed`);
    assert.ok(acknowledged.size >= TOTAL);
    console.log(
      `tc-crash: ${acknowledged.size} acknowledged keys, ${kills} SIGKILLs survived, ${counterUses} frame counters used, none reused`,
    );
  });
});
