/**
 * `zse simulate --scenario hostile` (issue 9 item 2): rogue devices attack the Trust Center while
 * meters join and run CBKE. The expected outcomes below are written from the specification
 * (SE 07-5356 C.3.1.2.3 Terminate statuses, 5.4.4 install codes, Zigbee 05-3474 4.3.1.2 frame
 * counters), not read back from the scenario; the run must also leave every meter with its key.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSimulation } from "../../src/node/simulation.js";
import { zse } from "../support/cli.js";

const SPEC: Record<string, string> = {
  "join without an install code": "REFUSED",
  "certificate from another CA": "UNKNOWN_ISSUER",
  "certificate subject is not the sender": "BAD_MESSAGE",
  "revoked certificate": "INVALID_CERTIFICATE",
  "expired certificate": "INVALID_CERTIFICATE",
  "ephemeral point off the curve": "BAD_MESSAGE",
  "ephemeral point at infinity": "BAD_MESSAGE",
  "wrong MACU": "BAD_KEY_CONFIRM",
  "earlier KE session replayed": "BAD_KEY_CONFIRM",
  "secured frame replayed with an old frame counter": "dropped",
};

describe("zse simulate --scenario hostile", () => {
  it("suite 2: every attack gets the outcome the spec calls for; every meter keeps its key", async () => {
    const r = await runSimulation({ scenario: "hostile", devices: 4, seed: 3 });
    const attacks = r.attacks ?? [];
    const byName = new Map(attacks.map((a) => [a.attack, a]));
    for (const [attack, want] of Object.entries(SPEC)) {
      assert.equal(byName.get(attack)?.actual, want, `${attack}: ${JSON.stringify(byName.get(attack))}`);
    }
    const low = byName.get("low-order ephemeral point");
    assert.ok(low && ["BAD_MESSAGE", "BAD_KEY_CONFIRM"].includes(low.actual), JSON.stringify(low));
    assert.equal(low?.detail, "no key at the TC");
    const flood = attacks.find((a) => a.attack.startsWith("flood"));
    const m = /^(\d+) sessions, (\d+) NO_RESOURCES$/.exec(flood?.actual ?? "");
    assert.ok(m, JSON.stringify(flood));
    assert.ok(Number(m[1]) <= 4 && Number(m[1]) + Number(m[2]) === 12, flood?.actual);
    assert.ok(attacks.every((a) => a.ok));
    for (const d of r.devices.filter((x) => x.role === "meter")) {
      assert.equal(d.keStatus, "SUCCESS", d.name);
      assert.ok(
        d.linkKeys.some((k) => k.partner === "TC" && k.how === "TC link key (CBKE)"),
        d.name,
      );
    }
    // no rogue holds a key with the TC except the one that ran an honest session
    const rogueKeys = r.devices.filter((d) => d.eui64.startsWith("00deadbe"));
    assert.equal(rogueKeys.length, 0, "rogues are not reported as devices");
    assert.equal(r.ok, true);
  });

  it("suite 1 through the CLI: --json lists every attempt with expected and actual outcome", () => {
    const res = zse(["simulate", "--scenario", "hostile", "--suite", "1", "--devices", "2", "--json"]);
    assert.equal(res.status, 0, res.stderr);
    const doc = JSON.parse(res.stdout) as {
      ok: boolean;
      attacks: { attack: string; expected: string; actual: string; ok: boolean }[];
      steps: { name: string; ok: boolean }[];
    };
    assert.equal(doc.ok, true);
    // suite 1 certificates carry no validity period: no expiry attack
    assert.equal(doc.attacks.length, Object.keys(SPEC).length - 1 + 2);
    for (const a of doc.attacks) {
      assert.equal(typeof a.expected, "string");
      if (SPEC[a.attack]) assert.equal(a.actual, SPEC[a.attack], a.attack);
    }
    assert.ok(doc.steps.some((s) => s.name === "hostile attempts" && s.ok));
  });

  it("the other scenarios list no attacks", async () => {
    const r = await runSimulation({ scenario: "default", devices: 1, seed: 3 });
    assert.equal(r.attacks, undefined);
  });
});
