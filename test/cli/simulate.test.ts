import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseKeysFile } from "../../src/net/keys-file.js";
import { zse } from "../support/cli.js";
import { runTshark, tsharkAvailable } from "../support/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "zse-simulate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("zse simulate (issue 6 item 4)", () => {
  it("--json prints one document; ok only when every step succeeded; no secrets without --show-keys", () => {
    const r = zse(["simulate", "--suite", "1", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.suite, 1);
    assert.deepEqual(
      doc.devices.map((d: { role: string; keStatus: string }) => [d.role, d.keStatus]),
      [
        ["meter", "SUCCESS"],
        ["display", "SUCCESS"],
      ],
    );
    assert.ok(doc.steps.every((s: { ok: boolean }) => s.ok));
    assert.match(doc.devices[0].eui64, /^[0-9a-f]{16}$/);
    assert.ok(!/[0-9a-f]{32}/.test(r.stdout), "no key values without --show-keys");
    const shown = JSON.parse(zse(["simulate", "--suite", "1", "--json", "--show-keys"]).stdout);
    assert.match(shown.devices[0].linkKeys[0].key, /^[0-9a-f]{32}$/);
  });

  it("bad options: one line on stderr, exit 2, nothing on stdout", () => {
    for (const args of [
      ["--suite", "3"],
      ["--devices", "x"],
      ["--loss", "1"],
      ["--ke-sessions", "0"],
      ["--ke-wait", "never"],
    ]) {
      const r = zse(["simulate", ...args]);
      assert.equal(r.status, 2, args.join(" "));
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trim().split("\n").length, 1);
      assert.match(r.stderr, new RegExp(args[0]));
    }
  });

  it("--ke-sessions and --ke-wait: the TC's session limit and NO_RESOURCES wait policy", () => {
    const run = (wait: string) => {
      const r = zse([
        "simulate",
        "--suite",
        "1",
        "--devices",
        "4",
        "--ke-sessions",
        "1",
        "--ke-wait",
        wait,
        "--json",
      ]);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const fixed = run("fixed");
    const queued = run("queue");
    for (const [doc, wait] of [
      [fixed, "fixed"],
      [queued, "queue"],
    ]) {
      assert.equal(doc.ok, true);
      assert.equal(doc.trustCenter.keSessions, 1);
      assert.equal(doc.trustCenter.keWaitTime, wait);
      // one session at a time: the other meters are turned away at least once
      assert.ok(doc.stats.noResourcesRetries >= 3, String(doc.stats.noResourcesRetries));
    }
    // the fixed wait is 30 s; the queue's waits here are a few seconds
    assert.ok(fixed.stats.virtualMs >= 30_000, String(fixed.stats.virtualMs));
    assert.ok(queued.stats.virtualMs < fixed.stats.virtualMs / 2, String(queued.stats.virtualMs));
    // the readable summary names both settings
    const text = zse([
      "simulate",
      "--suite",
      "1",
      "--devices",
      "2",
      "--ke-sessions",
      "1",
      "--ke-wait",
      "fixed",
    ]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /^TC: 3 devices in its table; 1 KE session\(s\) at a time, NO_RESOURCES waits fixed \(30 s\);/m,
    );
  });

  it("--pcap/--keys that cannot be written: refused before the run (exit 2, one line, nothing on stdout)", () => {
    for (const [args, re] of [
      [
        ["--pcap", join(dir, "no-such-dir", "x.pcap")],
        /^zse: --pcap: cannot write ".*x\.pcap": directory .*: ENOENT$/,
      ],
      [
        ["--keys", join(dir, "no-such-dir", "x.keys")],
        /^zse: --keys: cannot write ".*x\.keys": directory .*: ENOENT$/,
      ],
      [["--pcap", dir], /^zse: --pcap: ".*" exists and is not a regular file$/],
    ] as [string[], RegExp][]) {
      const r = zse(["simulate", "--devices", "2", ...args]);
      assert.equal(r.status, 2, args.join(" "));
      assert.equal(r.stdout, "", "no run happened");
      assert.match(r.stderr.trim(), re);
    }
  });

  it("--keys replaces an older, world-readable file with an owner-only one; no temporary file left", () => {
    const sub = mkdtempSync(join(dir, "keys-"));
    const keys = join(sub, "old.keys");
    writeFileSync(keys, "stale\n", { mode: 0o644 });
    const r = zse(["simulate", "--suite", "1", "--keys", keys]);
    assert.equal(r.status, 0, r.stderr);
    if (process.platform !== "win32") assert.equal(statSync(keys).mode & 0o777, 0o600);
    assert.ok(parseKeysFile(readFileSync(keys, "utf8")).some((x) => x.label === "network key"));
    assert.deepEqual(readdirSync(sub), ["old.keys"]);
  });

  it("--pcap and --keys: Wireshark decodes the KE exchange and decrypts the APS-secured frames", (t) => {
    const pcap = join(dir, "run.pcap");
    const keys = join(dir, "run.keys");
    const r = zse(["simulate", "--suite", "2", "--seed", "4", "--pcap", pcap, "--keys", keys, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).files, { pcap, keys });
    assert.equal(statSync(keys).mode & 0o077, 0, "keys file readable by its owner only");
    const k = parseKeysFile(readFileSync(keys, "utf8"));
    assert.ok(k.some((x) => x.label === "network key"));
    if (!tsharkAvailable()) {
      t.skip("tshark is not installed");
      return;
    }
    const frames = runTshark({
      pcap,
      keysFile: keys,
      fields: [
        "zbee_zcl_se.ke.cmd.srv_tx.id",
        "zbee_zcl_se.ke.cmd.srv_rx.id",
        "zbee_aps.cmd.id",
        "_ws.malformed",
        "_ws.expert.severity",
      ],
    });
    assert.ok(frames.length > 40);
    assert.ok(
      frames.every((f) => !f["_ws.malformed"]),
      "no malformed frame",
    );
    const keClient = frames.flatMap((f) => f["zbee_zcl_se.ke.cmd.srv_rx.id"] ?? []);
    const keServer = frames.flatMap((f) => f["zbee_zcl_se.ke.cmd.srv_tx.id"] ?? []);
    assert.ok(keClient.length >= 6 && keServer.length >= 6, `KE commands seen: ${keClient} / ${keServer}`);
    // APS commands are only visible once decrypted: Transport Key (0x05) and Request Key (0x08)
    const apsCmds = frames.flatMap((f) => f["zbee_aps.cmd.id"] ?? []).map((x) => Number(x));
    assert.ok(apsCmds.includes(0x05), `APS commands ${apsCmds}`);
    assert.ok(apsCmds.includes(0x08));
  });
});
