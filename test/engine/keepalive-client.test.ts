import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeepAliveClient } from "../../src/engine/keepalive-client.js";
import { TcsoStatus } from "../../src/engine/keepalive-types.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { ZclDataType as ZclType } from "../../src/zcl/data-types.js";
import {
  encodeReadAttributesResponse as encodeRecords,
  type ReadAttributeRecord,
} from "../../src/zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame } from "../../src/zcl/header.js";
import { GlobalCommand, CLUSTER_KEEP_ALIVE as KEEPALIVE_CLUSTER } from "../../src/zcl/ids.js";
import { FakeNet, OLD_TC } from "./keepalive-fake-net.js";

/** A Read Attributes Response frame (server to client) with old-style records. */
function encodeReadAttributesResponse(
  seq: number,
  records: { id: number; status: number; type?: number; value?: number }[],
): Uint8Array {
  const recs: ReadAttributeRecord[] = records.map((r) => ({
    attributeId: r.id,
    status: r.status,
    dataType: r.type,
    value: r.value,
  }));
  return encodeZclFrame(
    {
      frameType: "global",
      direction: "server-to-client",
      disableDefaultResponse: true,
      seq,
      commandId: GlobalCommand.READ_ATTRIBUTES_RESPONSE,
    },
    encodeRecords(recs),
  );
}

const MIN = 60_000;
const READ_TIMEOUT = 10_000; // the client's default
const COOLDOWN = 5 * MIN;
const START_DELAY = 3000;

function diffs(xs: number[]): number[] {
  return xs.slice(1).map((x, i) => x - xs[i]);
}

describe("Keep-Alive client timing (SE 07-5356 §5.4.2.2.3.4, seed 6.2)", () => {
  /**
   * The seed's example, run on a fake clock. The period between DISCOVERY_UNDERWAY callbacks is
   *   S + cooldown + I1 + I2 + I3 + readTimeout
   * where S is the TCSO search time (rejoin + scan answers), cooldown 5 min and each Ik is
   * base·60 s + jitter draw, i.e. 60..65 s: "3 x 1 min + 5 min", shifted by 0..15 s of jitter,
   * one read timeout and the search.
   */
  function seedExample(opts: { seed: number; readTimeoutMs: number; rejoinMs: number; scanMs: number }) {
    const net = new FakeNet({
      base: 1,
      jitter: 5,
      seed: opts.seed,
      sup: { keepAlive: { readTimeoutMs: opts.readTimeoutMs } },
    });
    net.world.rejoinMs = opts.rejoinMs;
    net.world.scanMs = opts.scanMs;
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(10 * MIN);
    assert.deepEqual(net.sup.params, { base: 1, jitter: 5 });
    assert.equal(net.callbacks.length, 0);
    const down = net.now;
    net.world.up.clear(); // the TC is gone and stays away; every search finds nothing
    net.runUntil(down + 60 * MIN);

    const to = opts.readTimeoutMs;
    const S = opts.rejoinMs + opts.scanMs;
    const du = net.callbackTimes(TcsoStatus.DISCOVERY_UNDERWAY);
    const nf = net.callbackTimes(TcsoStatus.NOT_FOUND);
    assert.ok(du.length >= 6, `expected at least 6 TCSO rounds in an hour, got ${du.length}`);
    // First detection: at most three intervals plus the last read's timeout after the outage.
    assert.ok(du[0] - down <= 3 * (MIN + 5000) + to, `first DU after ${du[0] - down} ms`);
    // NOT_FOUND exactly S after DISCOVERY_UNDERWAY.
    for (let i = 0; i < nf.length; i++) assert.equal(nf[i] - du[i], S);
    for (const d of diffs(du)) {
      const intervals = d - S - COOLDOWN - to;
      assert.ok(
        intervals >= 3 * MIN && intervals <= 3 * (MIN + 5000),
        `period ${d} ms: intervals ${intervals}`,
      );
      assert.ok(d >= 8 * MIN && d <= 8 * MIN + 15_000 + to + S, `period ${d} ms is not about 8 minutes`);
    }
    // Reads in each round: the first one interval after the cooldown, then interval-spaced.
    const reads = net.readTimes();
    for (let i = 0; i + 1 < du.length; i++) {
      const round = reads.filter((t) => t > nf[i] && t < du[i + 1]);
      assert.equal(round.length, 3, "three reads per round");
      const first = round[0] - nf[i] - COOLDOWN;
      assert.ok(first >= MIN && first <= MIN + 5000, `first read ${first} ms after the cooldown`);
      for (const d of diffs(round)) assert.ok(d >= MIN && d <= MIN + 5000, `read spacing ${d}`);
      assert.equal(du[i + 1] - round[2], to, "TC unreachable exactly at the third read's timeout");
    }
    return diffs(du);
  }

  it("seed example: base 1 min, jitter 5 s, TC gone -> DISCOVERY_UNDERWAY every 3 intervals + 5 min cooldown", () => {
    const periods = seedExample({ seed: 7, readTimeoutMs: READ_TIMEOUT, rejoinMs: 1000, scanMs: 2000 });
    // 8 min 13 s .. 8 min 28 s with the default 10 s read timeout and a 3 s search.
    for (const d of periods) assert.ok(d >= 8 * MIN + 13_000 && d <= 8 * MIN + 28_000, `period ${d}`);
  });

  it("seed example across seeds, read timeouts and search times: the same bounds hold", () => {
    const all: number[] = [];
    for (let seed = 100; seed < 110; seed++) {
      for (const [readTimeoutMs, rejoinMs, scanMs] of [
        [2000, 500, 500],
        [30_000, 5000, 20_000],
      ]) {
        all.push(...seedExample({ seed, readTimeoutMs, rejoinMs, scanMs }));
      }
    }
    assert.ok(all.length >= 100);
  });

  it("uses the defaults (10 min, 300 s) until the first successful read and the values read after", () => {
    const net = new FakeNet({ base: 2, jitter: 7, seed: 3 });
    assert.deepEqual(net.sup.params, { base: 10, jitter: 300 });
    net.world.up.delete(OLD_TC);
    net.world.up.add(OLD_TC); // reachable for discovery
    net.world.apsSecuredResponses = false; // answers arrive unsecured: ignored, reads fail
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(START_DELAY + 100);
    assert.equal(net.readTimes().length, 1);
    net.runUntil(20 * MIN);
    assert.equal(net.sup.client.paramsFromServer, false);
    assert.deepEqual(net.sup.params, { base: 10, jitter: 300 });
    let reads = net.readTimes();
    assert.equal(reads.length, 2, "second read one default interval later");
    const d0 = reads[1] - reads[0];
    assert.ok(d0 >= 10 * MIN && d0 <= 10 * MIN + 300_000, `default interval ${d0}`);
    assert.equal(net.sup.client.failures, 2);

    net.world.apsSecuredResponses = true;
    net.runUntil(60 * MIN);
    assert.equal(net.sup.client.paramsFromServer, true);
    assert.deepEqual(net.sup.params, { base: 2, jitter: 7 });
    assert.equal(net.sup.client.failures, 0);
    assert.equal(net.callbacks.length, 0);
    reads = net.readTimes();
    const after = diffs(reads.slice(2));
    assert.ok(after.length >= 5);
    for (const d of after) assert.ok(d >= 2 * MIN && d <= 2 * MIN + 7000, `interval ${d} outside 120..127 s`);
  });

  it("answered reads never start TCSO (24 h of virtual time)", () => {
    const net = new FakeNet({ base: 1, jitter: 0, seed: 11 });
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(24 * 60 * MIN);
    assert.equal(net.callbacks.length, 0);
    assert.equal(net.log.filter((l) => l.kind === "tc-unreachable").length, 0);
    const reads = net.readTimes();
    // jitter 0: exactly one read per minute after the first at start delay + discovery.
    assert.equal(reads[0], START_DELAY + 40);
    for (const d of diffs(reads)) assert.equal(d, MIN);
    assert.equal(reads.length, Math.floor((24 * 60 * MIN - reads[0]) / MIN) + 1);
  });

  it("two lost reads in a row are forgiven: a success resets the count, TCSO never starts", () => {
    const net = new FakeNet({ base: 1, jitter: 5, seed: 4 });
    net.world.dropRead = (n) => n % 3 !== 2; // two of every three reads lost
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(6 * 60 * MIN);
    assert.equal(net.callbacks.length, 0);
    const results = net.log
      .filter((l) => l.kind === "keepalive-result")
      .map((l) => l.detail as { failures: number });
    assert.ok(results.length > 300);
    assert.equal(Math.max(...results.map((r) => r.failures)), 2);
    // From the first success (third read) on, reads keep the 60..65 s spacing, lost or not.
    for (const d of diffs(net.readTimes().slice(2))) assert.ok(d >= MIN && d <= MIN + 5000);
  });

  it("jitter stays within 0..jitter (inclusive) across many seeds", () => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let seed = 0; seed < 40; seed++) {
      const net = new FakeNet({ base: 1, jitter: 2, seed });
      net.apply(net.sup.keepAliveClientStart(0));
      net.runUntil(30 * MIN);
      for (const d of diffs(net.readTimes())) {
        assert.ok(d >= MIN && d <= MIN + 2000, `seed ${seed}: interval ${d}`);
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    // ~1100 draws over 2001 values: the spread covers most of the range.
    assert.ok(lo < MIN + 100 && hi > MIN + 1900, `spread ${lo - MIN}..${hi - MIN} ms`);
  });

  it("counts discovery failures; three of them mean the TC is unreachable", () => {
    const net = new FakeNet({ base: 1, jitter: 5 });
    net.world.up.clear();
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(60 * MIN);
    const du = net.callbackTimes(TcsoStatus.DISCOVERY_UNDERWAY);
    // defaults apply (no read yet): discover at 3 s, then every 600..900 s; third times out.
    assert.ok(du.length >= 1);
    const discovers = net.log.filter((l) => l.kind === "discover").map((l) => l.at);
    assert.equal(discovers[0], START_DELAY);
    for (const d of diffs(discovers.slice(0, 3))) assert.ok(d >= 10 * MIN && d <= 15 * MIN);
    assert.equal(du[0], discovers[2] + READ_TIMEOUT);
  });
});

describe("Keep-Alive client responses (ZCL 07-5123 §2.5.2)", () => {
  function reading() {
    const c = new KeepAliveClient({ tc: OLD_TC, rng: new SeededRng(5) });
    c.start(0);
    c.handleTimer("keepalive", START_DELAY);
    const out = c.discoveryResult(START_DELAY, [9]);
    const send = out.find((a) => a.kind === "send");
    if (send?.kind !== "send") throw new Error("no read sent");
    assert.equal(send.apsSecurity, true);
    assert.equal(send.endpoint, 9);
    assert.equal(send.cluster, KEEPALIVE_CLUSTER);
    const { header, payload } = decodeZclFrame(send.frame);
    assert.equal(header.commandId, GlobalCommand.READ_ATTRIBUTES);
    assert.equal(header.direction, "client-to-server");
    assert.deepEqual([...payload], [0, 0, 1, 0]);
    return { c, seq: header.seq };
  }
  const ok = (seq: number, base = 3, jitter = 4) =>
    encodeReadAttributesResponse(seq, [
      { id: 0, status: 0, type: ZclType.UINT8, value: base },
      { id: 1, status: 0, type: ZclType.UINT16, value: jitter },
    ]);

  it("accepts an APS-secured answer from the TC with the request's sequence number", () => {
    const { c, seq } = reading();
    const out = c.handleFrame(
      { from: OLD_TC, cluster: KEEPALIVE_CLUSTER, frame: ok(seq), apsSecured: true },
      4000,
    );
    assert.equal(out[0].kind, "keepalive-result");
    assert.deepEqual(c.params, { base: 3, jitter: 4 });
    const t = out.find((a) => a.kind === "timer");
    assert.ok(
      t && t.kind === "timer" && t.at >= START_DELAY + 3 * MIN && t.at <= START_DELAY + 3 * MIN + 4000,
    );
  });

  it("ignores unsecured answers, other senders, other sequence numbers", () => {
    for (const rx of [
      { from: OLD_TC, apsSecured: false, seqDelta: 0 },
      { from: "1111111111111111", apsSecured: true, seqDelta: 0 },
      { from: OLD_TC, apsSecured: true, seqDelta: 1 },
    ]) {
      const { c, seq } = reading();
      const frame = ok((seq + rx.seqDelta) & 0xff);
      const out = c.handleFrame(
        { from: rx.from, cluster: KEEPALIVE_CLUSTER, frame, apsSecured: rx.apsSecured },
        4000,
      );
      assert.deepEqual(out, []);
      assert.equal(c.state, "reading");
      assert.equal(c.paramsFromServer, false);
    }
  });

  it("an error status, a missing attribute or an out-of-range value is a failed read", () => {
    const bad = (seq: number) => [
      encodeReadAttributesResponse(seq, [
        { id: 0, status: 0x86 },
        { id: 1, status: 0, type: ZclType.UINT16, value: 4 },
      ]),
      encodeReadAttributesResponse(seq, [{ id: 0, status: 0, type: ZclType.UINT8, value: 3 }]),
      ok(seq, 0, 4),
      ok(seq, 3, 513),
    ];
    for (let i = 0; i < 4; i++) {
      const { c, seq } = reading();
      const out = c.handleFrame(
        { from: OLD_TC, cluster: KEEPALIVE_CLUSTER, frame: bad(seq)[i], apsSecured: true },
        4000,
      );
      const r = out[0];
      assert.ok(r.kind === "keepalive-result" && !r.ok && r.failures === 1, `case ${i}`);
      assert.deepEqual(c.params, { base: 10, jitter: 300 });
    }
  });

  it("rejects settings outside their bounds", () => {
    const rng = new SeededRng(1);
    for (const o of [
      { readTimeoutMs: 60_000 },
      { readTimeoutMs: 0 },
      { cooldownMs: 299_999 },
      { startDelayMs: -1 },
    ]) {
      assert.throws(
        () => new KeepAliveClient({ tc: OLD_TC, rng, ...o }),
        (e: unknown) => isZseError(e, "BAD_VALUE"),
      );
    }
  });
});
