import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatSimulationBench } from "../../bench/simulation.js";
import { zse } from "../support/cli.js";
import { curveNameForSuite, opensslPublicKey } from "../support/node-ec.js";
import { type AnnexC, annexC } from "../support/se-vectors.js";

const dir = mkdtempSync(join(tmpdir(), "zse-se-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function deriveInput(v: AnnexC, suite: 1 | 2, role: "initiator" | "responder") {
  const [me, them] = role === "initiator" ? [v.initiator_u, v.responder_v] : [v.responder_v, v.initiator_u];
  return {
    suite,
    caPublicKey: v.ca_public_key,
    role,
    local: {
      eui64: me.ieee,
      certificate: me.certificate,
      privateKey: me.static_private_key,
      ephemeralPrivateKey: me.ephemeral_private_key,
    },
    remote: {
      eui64: them.ieee,
      certificate: them.certificate,
      ephemeralPublicKey: them.ephemeral_public_key,
    },
  };
}

function assertBadInput(r: { status: number; stdout: string; stderr: string }, re: RegExp) {
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, re);
}

describe("zse keygen (CLI contract)", () => {
  it("--private: the Annex C static public keys, both suites", () => {
    for (const suite of [1, 2] as const) {
      const s = annexC(suite).responder_v;
      const r = zse(["keygen", "--suite", String(suite), "--private", s.static_private_key, "--json"]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        suite,
        privateKey: s.static_private_key,
        publicKey: s.static_public_key,
      });
    }
  });
  it("a fresh suite 2 pair agrees with OpenSSL", () => {
    const out = JSON.parse(zse(["keygen", "--suite", "2", "--json"]).stdout);
    assert.match(out.privateKey, /^[0-9a-f]{72}$/);
    assert.equal(out.publicKey, opensslPublicKey(curveNameForSuite(2), out.privateKey));
  });
  it("bad input", () => {
    assertBadInput(zse(["keygen", "--suite", "3"]), /--suite/);
    assertBadInput(zse(["keygen", "--suite", "1", "--private", "0011"]), /private key: 2 bytes/);
  });
});

describe("zse cert decode / verify (CLI contract, issue 4 item 4)", () => {
  const v2 = annexC(2);
  const v1 = annexC(1);
  it("decode: suite 2 with ISO dates and key usage names", () => {
    const r = zse(["cert", "decode", v2.responder_v.certificate, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.suite, 2);
    assert.equal(c.serial, "2622a505e8938f27");
    assert.equal(c.issuer, v2.ca_issuer);
    assert.equal(c.subject, v2.responder_v.ieee);
    assert.equal(c.validFrom, new Date(0x5292a35b * 1000).toISOString().replace(".000", ""));
    assert.equal(c.validTo, null);
    assert.deepEqual(c.keyUsage, ["digitalSignature", "keyAgreement"]);
    const human = zse(["cert", "decode", v2.responder_v.certificate]).stdout;
    assert.match(human, /valid to +no expiry/);
  });
  it("decode: suite 1 shows the issuer's text", () => {
    const c = JSON.parse(zse(["cert", "decode", v1.initiator_u.certificate, "--json"]).stdout);
    assert.equal(c.suite, 1);
    assert.equal(c.issuerText, "TESTSECA");
    assert.equal(c.subject, v1.initiator_u.ieee);
  });
  it("decode: a wrong length is bad input", () => {
    assertBadInput(zse(["cert", "decode", "00112233", "--json"]), /certificate: 4 bytes/);
  });
  it("verify: a valid certificate, exit 0, its public key", () => {
    const r = zse([
      "cert",
      "verify",
      v2.initiator_u.certificate,
      "--ca-public-key",
      v2.ca_public_key,
      "--issuer",
      v2.ca_issuer,
      "--subject",
      v2.initiator_u.ieee,
      "--at",
      "2024-05-01T00:00:00Z",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, true);
    assert.deepEqual(out.problems, []);
    assert.equal(out.publicKey, v2.initiator_u.static_public_key);
  });
  it("verify: every problem, exit 1", () => {
    const revoked = join(dir, "revoked.json");
    writeFileSync(revoked, JSON.stringify({ serials: ["84a933b37f018dec"] }));
    const r = zse([
      "cert",
      "verify",
      v2.initiator_u.certificate,
      "--ca-public-key",
      v2.ca_public_key,
      "--issuer",
      "5445535453454341",
      "--subject",
      v2.responder_v.ieee,
      "--at",
      "2013-01-01T00:00:00Z",
      "--revoked",
      revoked,
      "--json",
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.deepEqual(
      out.problems.map((p: { code: string }) => p.code),
      ["UNKNOWN_ISSUER", "SUBJECT_MISMATCH", "NOT_YET_VALID", "REVOKED"],
    );
    assert.equal(out.terminateStatus, 1);
  });
  it("verify: bad input exits 2", () => {
    assertBadInput(
      zse(["cert", "verify", v1.initiator_u.certificate, "--ca-public-key", v2.ca_public_key]),
      /--ca-public-key: 37 bytes, expected 22/,
    );
    assertBadInput(
      zse([
        "cert",
        "verify",
        v1.initiator_u.certificate,
        "--ca-public-key",
        v1.ca_public_key,
        "--at",
        "yesterday",
      ]),
      /--at/,
    );
    assertBadInput(
      zse([
        "cert",
        "verify",
        v1.initiator_u.certificate,
        "--ca-public-key",
        v1.ca_public_key,
        "--revoked",
        join(dir, "none"),
      ]),
      /--revoked/,
    );
  });
});

describe("zse cbke derive on Annex C (CLI contract)", () => {
  for (const suite of [1, 2] as const) {
    const v = annexC(suite);
    for (const role of ["initiator", "responder"] as const) {
      it(`suite ${suite}, ${role}`, () => {
        const file = join(dir, `derive-${suite}-${role}.json`);
        writeFileSync(file, JSON.stringify(deriveInput(v, suite, role)));
        const r = zse(["cbke", "derive", file, "--json"]);
        assert.equal(r.status, 0, r.stderr);
        const me = role === "initiator" ? v.initiator_u : v.responder_v;
        const them = role === "initiator" ? v.responder_v : v.initiator_u;
        assert.deepEqual(JSON.parse(r.stdout), {
          sharedSecret: v.shared_secret_z,
          macKey: v.mac_key,
          keyData: v.key_data,
          macU: v.mac_u,
          macV: v.mac_v,
          localEphemeralPublicKey: me.ephemeral_public_key,
          remotePublicKey: them.static_public_key,
        });
      });
    }
  }
  it("reads stdin with -; bad input exits 2 naming the field", () => {
    const good = deriveInput(annexC(1), 1, "responder");
    const r = zse(["cbke", "derive", "-", "--json"], { input: JSON.stringify(good) });
    assert.equal(JSON.parse(r.stdout).keyData, annexC(1).key_data);
    const bad = { ...good, remote: { ...good.remote, ephemeralPublicKey: "04" } };
    assertBadInput(
      zse(["cbke", "derive", "-"], { input: JSON.stringify(bad) }),
      /remote\.ephemeralPublicKey/,
    );
    assertBadInput(zse(["cbke", "derive", "-"], { input: "{" }), /not valid JSON/);
    assertBadInput(zse(["cbke", "derive", "-"], { input: JSON.stringify({ ...good, role: "x" }) }), /role/);
  });
});

describe("zse bench options (ARCHITECTURE.md CLI contract)", () => {
  it("--issuance takes a positive count; a bad one is a one-line error before any benchmark runs", () => {
    const help = zse(["bench", "--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--issuance \[count\]/);
    for (const bad of ["0", "-3", "x", "1.5"]) {
      const r = zse(["bench", "--issuance", bad, "--json"]);
      assert.notEqual(r.status, 0, bad);
      assert.match(r.stderr, /--issuance/);
      assert.equal(r.stdout, "");
    }
  });

  it("--simulate: a bad count is refused first; a run relates zse simulate to two CBKE sides of the same run", () => {
    for (const bad of ["0", "x", "2.5", "65001"]) {
      const r = zse(["bench", "--quick", "--simulate", bad, "--json"]);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /^zse: --simulate: .* is not a count in 1\.\.65000\n$/);
      assert.equal(r.stdout, "");
    }
    const r = zse(["bench", "--quick", "--simulate", "3", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const s = doc.simulation;
    assert.equal(s.devices, 3);
    assert.equal(s.suite, 2);
    assert.equal(s.handshakes, 4, "three meters with the TC, the display with a meter");
    assert.ok(Math.abs(s.twoSidesMs - (2 * doc.suite2.cbkeSideUs) / 1000) < 0.001);
    assert.ok(Math.abs(s.ratioToTwoSides - s.cpuMsPerHandshake / s.twoSidesMs) < 0.01);
    const parts = s.keCryptoMsPerHandshake + (s.backgroundMsPerHandshake ?? 0) + s.restMsPerHandshake;
    // the stats hold whole milliseconds: three of them rounded, spread over the handshakes
    const tolerance = 1.5 / s.handshakes + 0.03;
    assert.ok(Math.abs(parts - s.cpuMsPerHandshake) < tolerance, `${parts} vs ${s.cpuMsPerHandshake}`);
    assert.ok(s.keCryptoMsPerHandshake > 0);
    // the same simulation again in that process: its own split and ratio; the warm-up is the
    // difference between the two runs (per-handshake figures are rounded to 0.01 ms)
    const w = s.warm;
    assert.ok(w.keCryptoMsPerHandshake > 0);
    assert.ok(Math.abs(w.ratioToTwoSides - w.cpuMsPerHandshake / s.twoSidesMs) < 0.01);
    const wParts = w.keCryptoMsPerHandshake + (w.backgroundMsPerHandshake ?? 0) + w.restMsPerHandshake;
    assert.ok(Math.abs(wParts - w.cpuMsPerHandshake) < tolerance, `${wParts} vs ${w.cpuMsPerHandshake}`);
    const warmUp = (s.cpuMsPerHandshake - w.cpuMsPerHandshake) * s.handshakes;
    assert.ok(Math.abs(s.warmUpCpuMs - warmUp) <= 0.01 * s.handshakes + 1, `${s.warmUpCpuMs} vs ${warmUp}`);
    // the floor: a handshake's frames alone in a fresh process, against half of two sides
    const f = s.floor;
    assert.equal(f.framesPerHandshake, 26);
    // three handshakes' frames: the warm pass may take less than the CPU clock's tick
    assert.ok(f.framesFreshMsPerHandshake > 0 && f.framesWarmMsPerHandshake >= 0);
    // the allowance is rounded to 0.01 ms, twoSidesMs to 0.001 ms (half of it to 0.0005)
    assert.ok(Math.abs(f.allowanceMsPerHandshake - s.twoSidesMs / 2) <= 0.0053);
    const left = f.allowanceMsPerHandshake - f.framesFreshMsPerHandshake;
    // three figures each rounded to 0.01 ms
    assert.ok(Math.abs(f.leftMsPerHandshake - left) <= 0.0151, `${f.leftMsPerHandshake} vs ${left}`);
    // the bare handshake: its CBKE computation and the same frames, so more than the frames
    // alone; its ratios from figures rounded to 0.01 ms (and 0.01)
    assert.ok(f.bareFreshMsPerHandshake > f.framesFreshMsPerHandshake, JSON.stringify(f));
    assert.ok(f.bareCbkeFreshMsPerHandshake > 0 && f.bareWarmMsPerHandshake > 0);
    const ratioTolerance = 0.0051 + 0.0051 / s.twoSidesMs;
    for (const [ratio, ms] of [
      [f.bareRatioToTwoSides, f.bareFreshMsPerHandshake],
      [f.bareWarmRatioToTwoSides, f.bareWarmMsPerHandshake],
    ]) {
      assert.ok(Math.abs(ratio - ms / s.twoSidesMs) <= ratioTolerance, `${ratio} vs ${ms / s.twoSidesMs}`);
    }
    // CPU over the run's own CBKE computation (figures rounded to 0.01 ms)
    for (const [ratio, all, cbke] of [
      [s.overKeCrypto, s.cpuMsPerHandshake, s.keCryptoMsPerHandshake],
      [s.warm.overKeCrypto, s.warm.cpuMsPerHandshake, s.warm.keCryptoMsPerHandshake],
    ]) {
      const tolerance = 0.0051 + (0.0051 * (1 + all / cbke)) / cbke;
      assert.ok(Math.abs(ratio - all / cbke) <= tolerance, `${ratio} vs ${all / cbke}`);
    }
    assert.ok(f.bareOverCbke > 0);
    // the text report: four lines, the headline first, each figure as in the JSON
    const text = formatSimulationBench(s).split("\n");
    assert.equal(text.length, 4);
    assert.ok(
      text[0].includes(`${s.cpuMsPerHandshake} ms CPU per handshake = ${s.ratioToTwoSides} x two CBKE sides`),
    );
    assert.ok(text[1].includes(`(V8 warm): ${s.warm.cpuMsPerHandshake} ms = ${s.warm.ratioToTwoSides} x`));
    assert.ok(text[2].includes(`${f.bareFreshMsPerHandshake} ms = ${f.bareRatioToTwoSides} x two sides`));
    assert.ok(text[3].includes(`bare handshake ${f.bareOverCbke} x`));
    // the same ratios over two sides timed in each child right after its runs (0.001 ms)
    assert.ok(s.adjacentTwoSidesMs > 0 && f.bareAdjacentTwoSidesMs > 0);
    for (const [ratio, ms, sides] of [
      [s.ratioToAdjacentTwoSides, s.cpuMsPerHandshake, s.adjacentTwoSidesMs],
      [s.warmRatioToAdjacentTwoSides, s.warm.cpuMsPerHandshake, s.adjacentTwoSidesMs],
      [f.bareRatioToAdjacentTwoSides, f.bareFreshMsPerHandshake, f.bareAdjacentTwoSidesMs],
    ]) {
      const tolerance = 0.0051 + (0.0051 + 0.0006 * (ms / sides)) / sides;
      assert.ok(Math.abs(ratio - ms / sides) <= tolerance, `${ratio} vs ${ms / sides}`);
    }
  });

  it("the floor's frames decode under their keys, bare handshakes agree, bad arguments are refused", () => {
    const child = fileURLToPath(new URL("../../bench/simulation-floor.ts", import.meta.url));
    const run = (n: string) =>
      spawnSync(process.execPath, ["--import", "tsx", child, n], { encoding: "utf8" });
    const ok = run("2");
    assert.equal(ok.status, 0, ok.stderr);
    const doc = JSON.parse(ok.stdout);
    assert.deepEqual(Object.keys(doc), ["handshakes", "framesPerHandshake", "freshMs", "warmMs"]);
    assert.equal(doc.handshakes, 2);
    // two handshakes: the warm pass may take less than the CPU clock's tick
    assert.ok(doc.freshMs > 0 && doc.warmMs >= 0);
    // bare handshakes: the CBKE computation too, the two sides agreeing (it exits 1 otherwise)
    const bare = spawnSync(process.execPath, ["--import", "tsx", child, "2", "cbke"], { encoding: "utf8" });
    assert.equal(bare.status, 0, bare.stderr);
    const b = JSON.parse(bare.stdout);
    assert.deepEqual(Object.keys(b), [
      "handshakes",
      "framesPerHandshake",
      "freshMs",
      "warmMs",
      "cryptoFreshMs",
      "cryptoWarmMs",
      "adjacentTwoSidesMs",
    ]);
    assert.ok(b.freshMs > 0 && b.cryptoFreshMs > 0 && b.cryptoWarmMs > 0 && b.adjacentTwoSidesMs > 0);
    for (const bad of [["0"], ["x"], ["2", "frames"]]) {
      const r = spawnSync(process.execPath, ["--import", "tsx", child, ...bad], { encoding: "utf8" });
      assert.equal(r.status, 2, bad.join(" "));
      assert.match(r.stderr, /^usage: simulation-floor\.ts <handshakes> \[cbke\]\n$/);
    }
  });
});
