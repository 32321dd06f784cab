import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CertificateAuthority, initCa } from "../../src/ca/authority.js";
import { runBatch } from "../../src/ca/batch.js";
import { CaRegistry } from "../../src/ca/registry.js";
import { certificatePublicKey } from "../../src/se/certificate-key.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { BIN, dumpRegistry, zseAsync } from "../support/ca-cli.js";

interface Line {
  index: number;
  serial: string;
  subject: string;
  certificate: string;
  publicKey: string;
  privateKey: string;
  caPublicKey: string;
}

function readLines(path: string): Line[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);
}

/** Lines 0..n-1 in order, serials and subjects unique and consecutive, all in the registry. */
function assertComplete(opts: { lines: Line[]; count: number; dir: string; firstSubject: bigint }): void {
  const { lines } = opts;
  assert.equal(lines.length, opts.count);
  lines.forEach((l, i) => {
    assert.equal(l.index, i);
    assert.equal(BigInt(`0x${l.subject}`), opts.firstSubject + BigInt(i));
  });
  assert.equal(new Set(lines.map((l) => l.serial)).size, opts.count);
  assert.equal(new Set(lines.map((l) => l.subject)).size, opts.count);
  const serials = lines.map((l) => BigInt(`0x${l.serial}`));
  for (const [i, s] of serials.entries()) assert.equal(s, serials[0] + BigInt(i));
  const reg = CaRegistry.open(opts.dir, { readonly: true });
  try {
    assert.deepEqual(reg.check(), []);
    const inReg = new Map(reg.list().map((r) => [r.serial, r.certificate]));
    for (const l of lines) assert.equal(inReg.get(l.serial), l.certificate, `serial ${l.serial} recorded`);
  } finally {
    reg.close();
  }
}

describe("batch issuance (issue 4: resumable, no duplicate serials or subjects)", () => {
  it("in-process batch, resumed after a torn line and a missing tail, certificates reconstruct", async () => {
    const root = mkdtempSync(join(tmpdir(), "zse-batch-"));
    try {
      const dir = join(root, "ca");
      const out = join(root, "b.jsonl");
      const rng = new SeededRng("batch");
      initCa({ dir, suites: [1], rng, now: 1 });
      const ca = CertificateAuthority.open(dir);
      const spec = {
        suite: 1 as const,
        firstSubject: fromHex("00000000000000f0"),
        count: 12,
        validFrom: 0,
        validTime: 0xffffffff,
        keyUsage: 8,
        profileData: new Uint8Array(10),
      };
      const res = await runBatch({
        ca,
        spec,
        out,
        format: "jsonl",
        workers: 0,
        chunk: 5,
        clock: () => 2,
        rng,
      });
      assert.equal(res.issued, 12);
      const lines = readLines(out);
      assertComplete({ lines, count: 12, dir, firstSubject: 0xf0n });
      for (const l of lines.slice(0, 3)) {
        assert.equal(
          toHex(
            certificatePublicKey({
              certificate: fromHex(l.certificate),
              caPublicKey: fromHex(l.caPublicKey),
            }),
          ),
          l.publicKey,
        );
      }
      // Same parameters again: the batch is finished, the output exists -> refused, nothing written.
      const before = dumpRegistry(dir);
      await assert.rejects(
        runBatch({ ca, spec, out, format: "jsonl", workers: 0, clock: () => 3, rng }),
        (e: unknown) => isZseError(e, "EXISTS"),
      );
      // Overlapping subjects -> refused, nothing written.
      await assert.rejects(
        runBatch({
          ca,
          spec: { ...spec, count: 3 },
          out: join(root, "c.jsonl"),
          format: "jsonl",
          workers: 0,
          clock: () => 3,
          rng,
        }),
        (e: unknown) => isZseError(e, "EXISTS") && /00000000000000f0/.test(e.message),
      );
      assert.equal(dumpRegistry(dir), before);

      // Simulate a crash after commit: drop the last 4 lines, leave a torn one; resume rewrites them.
      const out2 = join(root, "d.jsonl");
      const spec2 = { ...spec, firstSubject: fromHex("0000000000000200"), count: 7 };
      await runBatch({
        ca,
        spec: spec2,
        out: out2,
        format: "jsonl",
        workers: 0,
        chunk: 3,
        clock: () => 4,
        rng,
      });
      const full = readFileSync(out2, "utf8").split("\n");
      const reg = ca.registry;
      // reopen the finished batch for the test by rewinding its finished flag
      reg.db.prepare("UPDATE batches SET finished_at = NULL WHERE first_subject = '0000000000000200'").run();
      writeFileSync(out2, `${full.slice(0, 3).join("\n")}\n${full[3].slice(0, 20)}`);
      const res2 = await runBatch({
        ca,
        spec: spec2,
        out: out2,
        format: "jsonl",
        workers: 0,
        clock: () => 5,
        rng,
      });
      assert.equal(res2.rewritten, 4);
      assert.equal(res2.issued, 0);
      assert.equal(readFileSync(out2, "utf8"), full.join("\n"));
      assert.equal(reg.openBatch(reg.batch(2)!.params), undefined, "finished again");
      ca.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("two worker threads, small chunks: committed in position order, every certificate reconstructs", async () => {
    const root = mkdtempSync(join(tmpdir(), "zse-batch-w-"));
    try {
      const dir = join(root, "ca");
      const out = join(root, "w.jsonl");
      const rng = new SeededRng("batch-workers");
      initCa({ dir, suites: [2], rng, now: 1 });
      const ca = CertificateAuthority.open(dir);
      const seen: number[] = [];
      const res = await runBatch({
        ca,
        spec: {
          suite: 2,
          firstSubject: fromHex("0000000000000100"),
          count: 9,
          validFrom: 1000,
          validTime: 60,
          keyUsage: 0x88,
          profileData: new Uint8Array(10),
        },
        out,
        format: "jsonl",
        workers: 2,
        chunk: 2,
        clock: () => 2,
        rng,
        onProgress: (done) => seen.push(done),
      });
      ca.close();
      assert.equal(res.issued, 9);
      assert.deepEqual(seen, [2, 4, 6, 8, 9]);
      const lines = readLines(out);
      assertComplete({ lines, count: 9, dir, firstSubject: 0x100n });
      for (const l of lines) {
        assert.equal(
          toHex(
            certificatePublicKey({
              certificate: fromHex(l.certificate),
              caPublicKey: fromHex(l.caPublicKey),
            }),
          ),
          l.publicKey,
        );
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("CSV output: a header, then one row per position; a different spec on the same file is refused", async () => {
    const root = mkdtempSync(join(tmpdir(), "zse-batch-csv-"));
    try {
      const dir = join(root, "ca");
      const out = join(root, "b.csv");
      const rng = new SeededRng("batch-csv");
      initCa({ dir, suites: [1], rng, now: 1 });
      const ca = CertificateAuthority.open(dir);
      const spec = {
        suite: 1 as const,
        firstSubject: fromHex("0000000000000001"),
        count: 4,
        validTime: 0xffffffff,
        keyUsage: 8,
        profileData: new Uint8Array(10),
      };
      await runBatch({ ca, spec, out, format: "csv", workers: 0, chunk: 3, clock: () => 2, rng });
      const rows = readFileSync(out, "utf8").trim().split("\n");
      assert.equal(rows[0], "index,serial,subject,certificate,publicKey,privateKey,caPublicKey");
      assert.deepEqual(
        rows.slice(1).map((r) => r.split(",").slice(0, 1).concat(r.split(",")[2])),
        [0, 1, 2, 3].map((i) => [String(i), `000000000000000${i + 1}`]),
      );
      // reopen it as unfinished, then resume with another count: refused, nothing changes
      ca.registry.db.prepare("UPDATE batches SET finished_at = NULL").run();
      const before = dumpRegistry(dir);
      await assert.rejects(
        runBatch({ ca, spec: { ...spec, count: 5 }, out, format: "csv", workers: 0, clock: () => 3, rng }),
        (e: unknown) => isZseError(e, "BAD_VALUE") && /has count 4, not 5/.test(e.message),
      );
      assert.equal(dumpRegistry(dir), before);
      ca.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a child batch process SIGKILLed mid-batch resumes with no gap and no duplicate", async () => {
    const root = mkdtempSync(join(tmpdir(), "zse-kill-"));
    try {
      const dir = join(root, "ca");
      const out = join(root, "batch.jsonl");
      const init = await zseAsync(["ca", "init", "--dir", dir, "--suite", "1"]);
      assert.equal(init.status, 0, init.stderr);
      const count = 120;
      const args = [
        "ca",
        "issue",
        "--dir",
        dir,
        "--suite",
        "1",
        "--subject",
        "0011223344550000",
        "--count",
        String(count),
        "--out",
        out,
        "--workers",
        "1",
        "--chunk",
        "4",
      ];
      const child = spawn(process.execPath, [BIN, ...args], { stdio: "ignore" });
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      // kill once some lines are out, well before the end
      const deadline = Date.now() + 60_000;
      for (;;) {
        await new Promise((r) => setTimeout(r, 20));
        const n = existsSync(out) ? readFileSync(out, "utf8").split("\n").length - 1 : 0;
        if (n >= 12) break;
        assert.ok(Date.now() < deadline, "batch produced no output");
      }
      child.kill("SIGKILL");
      await exited;
      const partial = readFileSync(out, "utf8").split("\n").length - 1;
      assert.ok(partial < count, `killed too late (${partial} lines)`);
      const mid = CaRegistry.open(dir, { readonly: true });
      assert.deepEqual(mid.check(), [], "registry consistent after SIGKILL");
      mid.close();
      // a torn line is possible after a kill; make sure one is handled
      appendFileSync(out, '{"index":');
      const r = await zseAsync(args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /resuming batch 1 at \d+\/120/);
      const summary = JSON.parse(r.stdout);
      assert.ok(summary.resumedFrom >= partial);
      assertComplete({ lines: readLines(out), count, dir, firstSubject: 0x0011223344550000n });
      const reg = CaRegistry.open(dir, { readonly: true });
      assert.equal(reg.count(), count);
      reg.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
