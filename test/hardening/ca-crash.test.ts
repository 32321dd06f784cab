/**
 * The CA registry under repeated SIGKILL during batch issuance (issue 9 item 3; adds to the
 * single-kill test of test/ca/batch.test.ts): `zse ca issue --count` is killed at random moments
 * three times; after every kill `PRAGMA integrity_check` is "ok", the registry's own consistency
 * check passes, and every certificate already written to the output is recorded with the same
 * bytes (none lost). The final resume completes the batch with consecutive, unique serials.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { CaRegistry } from "../../src/ca/registry.js";
import { SeededRng } from "../../src/util/rng.js";
import { BIN, zseAsync } from "../support/ca-cli.js";

const root = mkdtempSync(join(tmpdir(), "zse-ca-kill-"));
after(() => rmSync(root, { recursive: true, force: true }));

interface Line {
  index: number;
  serial: string;
  certificate: string;
}

/** The complete lines of the output (a torn last line is possible after a kill). */
function lines(path: string): Line[] {
  if (!existsSync(path)) return [];
  const out: Line[] = [];
  for (const l of readFileSync(path, "utf8").split("\n")) {
    try {
      out.push(JSON.parse(l) as Line);
    } catch {
      // empty or torn line
    }
  }
  return out;
}

describe("CA registry under repeated SIGKILL during a batch", () => {
  it("keeps every written certificate, stays consistent, resumes without gaps", {
    timeout: 240_000,
  }, async () => {
    const dir = join(root, "ca");
    const out = join(root, "batch.jsonl");
    const init = await zseAsync(["ca", "init", "--dir", dir, "--suite", "1"]);
    assert.equal(init.status, 0, init.stderr);
    const count = 150;
    const args = ["ca", "issue", "--dir", dir, "--suite", "1", "--subject", "00aa000000000000"];
    args.push("--count", String(count), "--out", out, "--workers", "1", "--chunk", "4");
    const rng = new SeededRng("ca-kill");
    let kills = 0;
    for (let round = 0; round < 3; round++) {
      const before = lines(out).length;
      const target = before + 5 + rng.int(20);
      const child = spawn(process.execPath, [BIN, ...args], { stdio: "ignore" });
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, s) => r(s)));
      const deadline = Date.now() + 60_000;
      let finished = false;
      void exited.then(() => {
        finished = true;
      });
      while (!finished && lines(out).length < target) {
        assert.ok(Date.now() < deadline, "the batch made no progress");
        await new Promise((r) => setTimeout(r, 10 + rng.int(20)));
      }
      child.kill("SIGKILL");
      if ((await exited) === "SIGKILL") kills++;
      const raw = new Database(join(dir, "ca.db"), { readonly: true });
      assert.equal(raw.pragma("integrity_check", { simple: true }), "ok");
      raw.close();
      const reg = CaRegistry.open(dir, { readonly: true });
      try {
        assert.deepEqual(reg.check(), [], `registry inconsistent after kill ${round + 1}`);
        const recorded = new Map(reg.list().map((r) => [r.serial, r.certificate]));
        for (const l of lines(out))
          assert.equal(recorded.get(l.serial), l.certificate, `serial ${l.serial} lost`);
      } finally {
        reg.close();
      }
    }
    assert.ok(kills >= 2, `only ${kills} kills landed before the batch ended`);
    const done = await zseAsync(args);
    assert.equal(done.status, 0, done.stderr);
    const all = lines(out);
    assert.equal(all.length, count);
    assert.deepEqual(
      all.map((l) => l.index),
      Array.from({ length: count }, (_, i) => i),
    );
    const serials = all.map((l) => BigInt(`0x${l.serial}`));
    assert.equal(new Set(serials).size, count);
    for (const [i, s] of serials.entries()) assert.equal(s, serials[0] + BigInt(i), "consecutive serials");
    const reg = CaRegistry.open(dir, { readonly: true });
    assert.equal(reg.count(), count);
    assert.deepEqual(reg.check(), []);
    reg.close();
  });
});
