import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { runSimulation, SIM_TC_EUI } from "../../src/node/simulation.js";

describe("Simulation: the seed's application scenario (SE 07-5356 5.4, seed 6.3-6.4)", () => {
  it("default scenario, suite 2: meter CBKE with the TC, display DCA + keWithDevice + APS Request Key", async () => {
    const r = await runSimulation({ suite: 2, seed: 3 });
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    const meter = r.devices.find((d) => d.role === "meter")!;
    const display = r.devices.find((d) => d.role === "display")!;
    assert.equal(meter.keStatus, "SUCCESS");
    assert.deepEqual(
      meter.linkKeys.map((k) => [k.partner, k.how]),
      [
        ["TC", "TC link key (CBKE)"],
        ["display", "application link key"],
      ],
    );
    // DCA: the display never ran CBKE with the TC; it still holds the install-code key there
    assert.equal(display.keStatus, "SUCCESS");
    assert.deepEqual(
      display.linkKeys.map((k) => [k.partner, k.how]),
      [
        ["TC", "install-code link key"],
        ["meter", "application link key"],
      ],
    );
    assert.equal(r.trustCenter.keAnswered, 1, "only the meter ran KE with the TC");
    const tl = r.timeline!;
    const keWithTc = tl.filter((e) => e.to === "TC" && e.what === "Initiate KE Request");
    assert.deepEqual(
      keWithTc.map((e) => e.from),
      ["meter"],
    );
    assert.ok(tl.some((e) => e.from === "display" && e.to === "meter" && e.what === "Initiate KE Request"));
    const rk = tl.find((e) => e.what.startsWith("Request Key (application link key"));
    assert.equal(rk?.from, "display");
    assert.equal(rk?.key, "install-code link key");
    const read = tl.find((e) => e.what === "Read Attributes (Metering InstantaneousDemand)");
    assert.equal(read?.key, "application link key");
    // KE commands go without APS encryption (C.3.1.1)
    assert.ok(tl.filter((e) => /KE (Request|Response)/.test(e.what)).every((e) => e.key === "none"));
    assert.equal(r.stats.securityDrops, 0);
  });

  it("the same seed replays the same timeline and keys; another seed differs", async () => {
    const a = await runSimulation({ suite: 1, seed: "replay" });
    const b = await runSimulation({ suite: 1, seed: "replay" });
    const c = await runSimulation({ suite: 1, seed: "other" });
    assert.ok(a.ok && b.ok && c.ok);
    assert.deepEqual(a.timeline, b.timeline);
    assert.deepEqual(a.keys, b.keys);
    assert.notDeepEqual(a.keys, c.keys);
  });

  it("several meters at once against a one-session TC: NO_RESOURCES, waits, retries, all succeed", async () => {
    const fixed = await runSimulation({ suite: 1, devices: 5, seed: 5, keSessions: 1, keWaitTime: "fixed" });
    const queued = await runSimulation({ suite: 1, devices: 5, seed: 5, keSessions: 1 });
    for (const r of [fixed, queued]) {
      assert.equal(r.ok, true, JSON.stringify(r.steps));
      assert.ok((r.trustCenter.keOutcomes.NO_RESOURCES ?? 0) > 0);
      assert.ok(r.stats.noResourcesRetries > 0);
      assert.equal(r.trustCenter.keOutcomes.SUCCESS, 5);
      assert.ok(r.timeline!.some((e) => e.what === "Terminate KE (NO_RESOURCES)" && e.from === "TC"));
      for (const d of r.devices) assert.equal(d.keStatus, "SUCCESS");
    }
    // a fixed wait (30 s) is honoured: the run spans at least one wait
    assert.ok(fixed.stats.virtualMs >= 30_000);
    // waits spread by the queue (1 s and up here: the sessions take tens of ms) end far sooner,
    // with no more refusals
    assert.ok(queued.stats.virtualMs >= 1_000);
    assert.ok(queued.stats.virtualMs < fixed.stats.virtualMs / 2, `${queued.stats.virtualMs} ms`);
    assert.ok(queued.stats.noResourcesRetries <= fixed.stats.noResourcesRetries);
  });

  it("under 30% loss every step still succeeds, with retries in the timeline", async () => {
    const r = await runSimulation({ suite: 1, seed: 9, loss: 0.3 });
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    assert.ok(r.stats.frames.macRetries > 0);
    assert.ok(r.devices.every((d) => d.linkKeys.some((k) => k.partner === "TC")));
    assert.ok(r.keys.some((k) => k.label === "network key"));
    assert.equal(r.devices.length, 2);
    assert.equal(SIM_TC_EUI.length, 16);
  });

  it("refuses bad options with a named error", async () => {
    await assert.rejects(runSimulation({ devices: 0 }), /devices: 0/);
    await assert.rejects(runSimulation({ loss: 1 }), /loss: 1/);
  });
  it("onProgress: every meter counted once while set up, then once when its join and CBKE end", async () => {
    const seen: { phase: string; done: number; total: number }[] = [];
    const r = await runSimulation({ suite: 1, devices: 6, seed: 9, onProgress: (p) => seen.push({ ...p }) });
    assert.equal(r.ok, true);
    const setup = seen.filter((p) => p.phase === "setup");
    const run = seen.filter((p) => p.phase === "run");
    assert.deepEqual(
      setup.map((p) => p.done),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      run.map((p) => p.done),
      [1, 2, 3, 4, 5, 6],
    );
    assert.ok(seen.every((p) => p.total === 6));
    assert.equal(
      seen.findIndex((p) => p.phase === "run"),
      setup.length,
      "setup ends before the run starts",
    );
  });
});
