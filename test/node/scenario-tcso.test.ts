import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { runSimulation, SIM_TC_EUI, SIM_TC2_EUI } from "../../src/node/simulation.js";

describe("Keep-alive scenarios (SE 07-5356 5.4.2.2.3.4, seed 6.2; issue 7 item 4)", () => {
  it("tcso: the TC is replaced; every device swaps over and ends with a TC link key from CBKE", async () => {
    const r = await runSimulation({ scenario: "tcso", suite: 1, seed: 21 });
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    const off = r.timeline!.find((e) => e.what === "power off" && e.from === "TC")!.t;
    for (const d of r.devices) {
      assert.deepEqual(
        d.tcso?.map((o) => [o.status, o.tc]),
        [["SUCCESS", SIM_TC2_EUI]],
      );
      const at = d.tcso![0].at;
      // three failed reads at Base 1 min + Jitter <= 5 s after the power-off, each with a timeout
      assert.ok(at - off >= 2 * 60_000, `${d.name} swapped ${at - off} ms after the TC went`);
      assert.ok(at - off <= 3 * 65_000 + 60_000, `${d.name} swapped ${at - off} ms after the TC went`);
      assert.ok(d.linkKeys.some((k) => k.partner === "TC2" && k.how === "TC link key (CBKE)"));
    }
    const ke2 = r.timeline!.filter((e) => e.to === "TC2" && e.what === "Initiate KE Request");
    assert.equal(ke2.length, 2);
  });

  it("tc-outage: the TC goes away and comes back; devices rejoin it (REJOIN_PREV) and keep their keys", async () => {
    const r = await runSimulation({ scenario: "tc-outage", suite: 1, seed: 22 });
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    assert.ok(r.devices.some((d) => d.tcso?.some((o) => o.status === "REJOIN_PREV" && o.tc === SIM_TC_EUI)));
    for (const d of r.devices) {
      assert.ok(!d.tcso?.some((o) => o.status === "SUCCESS" || o.status === "FATAL"));
      assert.ok((d.keepAliveReads ?? 0) >= 2);
    }
    const meter = r.devices.find((d) => d.role === "meter")!;
    assert.equal(meter.linkKeys.find((k) => k.partner === "TC")?.how, "TC link key (CBKE)");
    // a Trust Center rejoin: the network key goes under the TC link key, not the install-code key
    const tk = r.timeline!.filter((e) => e.to === "meter" && e.what === "Transport Key (network key)");
    assert.equal(tk.at(-1)?.key, "key-transport key of TC link key (CBKE)");
  });
});
