/**
 * Properties of the KE engines under arbitrary input (SE 07-5356 C.3.1.2): whatever bytes
 * arrive, `receive` never throws, and frames from a third device never change the outcome of
 * a running exchange. fast-check with a fixed seed and bounded runs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeInitiator } from "../../src/engine/ke-initiator.js";
import { KeResponder } from "../../src/engine/ke-responder.js";
import { KeBus } from "../../src/engine/ke-runner.js";
import { SeededRng } from "../../src/util/rng.js";
import { CLUSTER_KEY_ESTABLISHMENT } from "../../src/zcl/ids.js";
import { encodeKeFrame } from "../../src/zcl/ke-commands.js";
import fc from "../support/fast-check.js";
import { fakeCertificate, fakeCredentials, fakeCrypto } from "./ke-fake-crypto.js";

const U = "0000000000000002";
const V = "0000000000000001";
const T = "00000000000000aa";

const make = (eui: string) => ({
  eui64: eui,
  credentials: { 1: fakeCredentials(1, eui), 2: fakeCredentials(2, eui) },
});

/** Valid-looking KE frames of every command both ways, to mutate. */
const templates: Uint8Array[] = [];
for (const dir of ["client-to-server", "server-to-client"] as const) {
  templates.push(
    encodeKeFrame({
      seq: 1,
      direction: dir,
      message: {
        command: "initiate",
        suite: 2,
        ephemeralDataGenerateTime: 1,
        confirmKeyGenerateTime: 1,
        certificate: fakeCertificate(2, T),
      },
    }),
    encodeKeFrame({
      seq: 2,
      direction: dir,
      message: { command: "ephemeral", publicKey: new Uint8Array(37).fill(3) },
    }),
    encodeKeFrame({ seq: 3, direction: dir, message: { command: "confirm", mac: new Uint8Array(16) } }),
    encodeKeFrame({
      seq: 4,
      direction: dir,
      message: { command: "terminate", status: 4, waitTime: 200, suites: 2 },
    }),
    Uint8Array.of(dir === "client-to-server" ? 0x10 : 0x18, 5, 0x00, 0x00, 0x00),
    Uint8Array.of(dir === "client-to-server" ? 0x10 : 0x18, 6, 0x01, 0x00, 0x00, 0x00, 0x31, 0x00, 0x00),
    Uint8Array.of(dir === "client-to-server" ? 0x10 : 0x18, 7, 0x0b, 0x00, 0xc3),
  );
}

const frame = fc.oneof(
  fc.uint8Array({ maxLength: 90 }),
  fc
    .tuple(
      fc.constantFrom(...templates),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    )
    .map(([t, edits]) => {
      const f = t.slice();
      for (const [at, v] of edits) f[at % f.length] = v;
      return f;
    }),
  fc.constantFrom(...templates),
);

describe("KE engines under arbitrary frames", () => {
  it("receive never throws, whoever sends what", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(U, T), frame), { maxLength: 12 }), (frames) => {
        const v = new KeResponder({
          identity: make(V),
          crypto: fakeCrypto,
          rng: new SeededRng(1),
          maxSessions: 2,
        });
        const i = new KeInitiator({ identity: make(U), crypto: fakeCrypto, rng: new SeededRng(2) });
        i.start({ partner: V, now: 0 });
        let now = 1;
        for (const [from, f] of frames) {
          const rx = { from, cluster: CLUSTER_KEY_ESTABLISHMENT, frame: f, apsSecured: false };
          v.receive(rx, now);
          i.receive({ ...rx, from: from === U ? V : T }, now);
          now += 3;
        }
      }),
      { numRuns: 250, seed: 42 },
    );
  });

  it("frames from a third device never change a running exchange's outcome", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), frame), { maxLength: 8 }), (noise) => {
        const v = new KeResponder({
          identity: make(V),
          crypto: fakeCrypto,
          rng: new SeededRng(1),
          maxSessions: 2,
        });
        const i = new KeInitiator({ identity: make(U), crypto: fakeCrypto, rng: new SeededRng(2) });
        const bus = new KeBus().add({ eui64: U, initiator: i }).add({ eui64: V, responder: v });
        bus.apply(U, "initiator", i.start({ partner: V, now: 0 }));
        for (const [at, f] of noise) {
          bus.inject({ from: T, to: f[0] & 0x08 ? U : V, cluster: CLUSTER_KEY_ESTABLISHMENT, frame: f, at });
        }
        bus.run();
        const mine = bus.outcomes.filter((o) => o.partner === U || o.partner === V);
        assert.deepEqual(
          mine.map((o) => `${o.role}:${o.status}`),
          ["responder:SUCCESS", "initiator:SUCCESS"],
        );
        assert.equal(bus.keys.filter((k) => k.holder === U || k.partner === U).length, 2);
      }),
      { numRuns: 120, seed: 43 },
    );
  });
});
