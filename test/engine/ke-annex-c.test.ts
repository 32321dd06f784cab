/**
 * Full Key Establishment exchanges with the real CBKE computation (SE 07-5356 Annex C.5 suite 1,
 * SE 1.4 Annex C.6 suite 2): with the Annex C ephemeral keys injected, every frame's payload
 * (certificates, QEU, QEV, MACU, MACV) and the installed KeyData match the published vectors
 * byte for byte. Then every Terminate status from a crafted bad peer, for both suites.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { type CbkeCryptoOptions, cbkeCrypto } from "../../src/engine/ke-crypto.js";
import { KeInitiator } from "../../src/engine/ke-initiator.js";
import { KeResponder, type KeResponderOptions } from "../../src/engine/ke-responder.js";
import { KeBus, type KeBusOptions, runKeExchange } from "../../src/engine/ke-runner.js";
import type { KeIdentity } from "../../src/engine/ke-types.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { decodeZclFrame } from "../../src/zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT } from "../../src/zcl/ids.js";
import { decodeKeFrame, type KeSuite } from "../../src/zcl/ke-commands.js";
import { loadVectors } from "../support/vectors.js";
import { tsharkAvailable, tsharkFields } from "../zcl/tshark.js";

interface Party {
  ieee: string;
  certificate: string;
  static_private_key: string;
  ephemeral_private_key: string;
  ephemeral_public_key: string;
}
interface AnnexC {
  ca_public_key: string;
  initiator_u: Party;
  responder_v: Party;
  key_data: string;
  mac_u: string;
  mac_v: string;
  initiate_request_payload_prefix_panweave?: string;
}
const VECTORS: Record<KeSuite, AnnexC> = {
  1: loadVectors<AnnexC>("cbke_suite1_annex_c.json"),
  2: loadVectors<AnnexC>("cbke_suite2_annex_c.json"),
};

function identityOf(
  suite: KeSuite,
  p: Party,
  over: { eui?: string; certificate?: Uint8Array; caIssuer?: Uint8Array } = {},
): KeIdentity {
  return {
    eui64: over.eui ?? p.ieee,
    credentials: {
      [suite]: {
        certificate: over.certificate ?? fromHex(p.certificate),
        privateKey: fromHex(p.static_private_key),
        caPublicKey: fromHex(VECTORS[suite].ca_public_key),
        ...(over.caIssuer ? { caIssuer: over.caIssuer } : {}),
      },
    },
  };
}

interface Setup {
  suite: KeSuite;
  u?: { eui?: string; certificate?: Uint8Array; crypto?: CbkeCryptoOptions; suite?: KeSuite };
  v?: {
    eui?: string;
    certificate?: Uint8Array;
    caIssuer?: Uint8Array;
    crypto?: CbkeCryptoOptions;
    options?: Partial<KeResponderOptions>;
  };
  wallClock?: (now: number) => number;
}

function engines(s: Setup) {
  const vec = VECTORS[s.suite];
  const i = new KeInitiator({
    // the generate times of Annex C.5.2.1's Initiate KE Request (3 s, 6 s)
    identity: {
      ...identityOf(s.suite, vec.initiator_u, s.u),
      ephemeralDataGenerateTime: 3,
      confirmKeyGenerateTime: 6,
    },
    crypto: cbkeCrypto({
      fixedEphemeral: { [s.suite]: fromHex(vec.initiator_u.ephemeral_private_key) },
      ...s.u?.crypto,
    }),
    rng: new SeededRng("u"),
    ...(s.wallClock ? { wallClock: s.wallClock } : {}),
  });
  const r = new KeResponder({
    identity: identityOf(s.suite, vec.responder_v, s.v),
    crypto: cbkeCrypto({
      fixedEphemeral: { [s.suite]: fromHex(vec.responder_v.ephemeral_private_key) },
      ...s.v?.crypto,
    }),
    rng: new SeededRng("v"),
    ...(s.wallClock ? { wallClock: s.wallClock } : {}),
    ...s.v?.options,
  });
  return { i, r };
}

function run(s: Setup, tamper?: KeBusOptions["tamper"]) {
  const { i, r } = engines(s);
  return runKeExchange({ initiator: i, responder: r, ...(tamper ? { tamper } : {}) });
}

function terminates(trace: { from: string; frame: Uint8Array }[], from: string) {
  return trace
    .filter((t) => t.from === from)
    .map((t) => decodeZclFrame(t.frame))
    .filter((f) => f.header.frameType === "cluster" && f.header.commandId === 3)
    .map((f) => f.payload);
}

/** A compressed point of the suite's length that does not decode (x has no y on the curve). */
function invalidPoint(suite: KeSuite, near: Uint8Array): Uint8Array {
  const curve = curveForSuite(suite);
  for (let b = 0; b < 256; b++) {
    const p = near.slice();
    p[p.length - 1] = b;
    try {
      curve.decodePoint(p, "probe");
    } catch (e) {
      if (isZseError(e)) return p;
      throw e;
    }
  }
  throw new Error("no invalid point found");
}

for (const suite of [1, 2] as const) {
  const vec = VECTORS[suite];
  const U = vec.initiator_u.ieee;
  const V = vec.responder_v.ieee;

  describe(`Annex C.${suite === 1 ? 5 : 6} exchange through the engines, suite ${suite}`, () => {
    it("reproduces every payload and KeyData byte for byte", () => {
      const r = run({ suite, wallClock: () => Date.parse("2024-06-01T00:00:00Z") });
      assert.equal(r.initiator?.status, "SUCCESS", r.initiator?.reason);
      assert.equal(r.responder?.status, "SUCCESS", r.responder?.reason);
      const payloads = r.trace.map((t) => toHex(decodeZclFrame(t.frame).payload));
      const bit = suite === 1 ? "0100" : "0200";
      assert.equal(payloads[2], `${bit}0306${vec.initiator_u.certificate}`); // Initiate KE Request
      if (vec.initiate_request_payload_prefix_panweave) {
        assert.ok(payloads[2].startsWith(vec.initiate_request_payload_prefix_panweave));
      }
      assert.equal(payloads[3], `${bit}0a0f${vec.responder_v.certificate}`); // Initiate KE Response
      assert.equal(payloads[4], vec.initiator_u.ephemeral_public_key); // QEU
      assert.equal(payloads[5], vec.responder_v.ephemeral_public_key); // QEV
      assert.equal(payloads[6], vec.mac_u); // MACU
      assert.equal(payloads[7], vec.mac_v); // MACV
      assert.equal(payloads[8], "0200"); // Default Response: Confirm Key Data, SUCCESS
      assert.equal(r.trace.length, 9);
      assert.deepEqual(
        r.keys.map((k) => [k.holder, k.partner, toHex(k.key)]),
        [
          [V, U, vec.key_data],
          [U, V, vec.key_data],
        ],
      );
    });
  });

  it(`Wireshark reads the engines' suite ${suite} exchange frame by frame`, {
    skip: !tsharkAvailable() && "no tshark",
  }, () => {
    const r = run({ suite });
    const rows = tsharkFields(
      r.trace.map((t) => ({ cluster: t.cluster, zcl: t.frame })),
      [
        "zbee_zcl.cmd.id",
        "zbee_zcl_se.ke.cmd.srv_rx.id",
        "zbee_zcl_se.ke.cmd.srv_tx.id",
        "zbee_zcl_se.ke.qeu",
        "zbee_zcl_se.ke.qev",
        "zbee_zcl_se.ke.macu",
        "zbee_zcl_se.ke.macv",
        "_ws.malformed",
      ],
    );
    assert.deepEqual(
      rows.map(
        (x) =>
          x["zbee_zcl_se.ke.cmd.srv_rx.id"] ||
          x["zbee_zcl_se.ke.cmd.srv_tx.id"] ||
          `g${x["zbee_zcl.cmd.id"]}`,
      ),
      ["g0x00", "g0x01", "0x00", "0x00", "0x01", "0x01", "0x02", "0x02", "g0x0b"],
    );
    assert.equal(rows[4]["zbee_zcl_se.ke.qeu"], vec.initiator_u.ephemeral_public_key);
    assert.equal(rows[5]["zbee_zcl_se.ke.qev"], vec.responder_v.ephemeral_public_key);
    assert.equal(rows[6]["zbee_zcl_se.ke.macu"], vec.mac_u);
    assert.equal(rows[7]["zbee_zcl_se.ke.macv"], vec.mac_v);
    assert.ok(rows.every((x) => x["_ws.malformed"] === ""));
  });

  describe(`Terminate statuses from crafted peers with real CBKE, suite ${suite} (C.3.1.2.3)`, () => {
    const certU = fromHex(vec.initiator_u.certificate);
    const certV = fromHex(vec.responder_v.certificate);
    const issuerAt = suite === 1 ? 30 : 11;
    const otherIssuer = (c: Uint8Array) => {
      const x = c.slice();
      x[issuerAt] ^= 0x55;
      return x;
    };

    it("UNKNOWN_ISSUER both ways", () => {
      const a = run({ suite, u: { certificate: otherIssuer(certU) } });
      assert.equal(a.responder?.status, "UNKNOWN_ISSUER");
      assert.equal(terminates(a.trace, V)[0][0], 0x01);
      assert.equal(a.initiator?.status, "UNKNOWN_ISSUER");
      assert.equal(a.initiator?.source, "peer");
      // V's certificate comes from a CA U does not know, while V itself trusts U's CA
      const b = run({
        suite,
        v: { certificate: otherIssuer(certV), caIssuer: certV.slice(issuerAt, issuerAt + 8) },
      });
      assert.equal(b.initiator?.status, "UNKNOWN_ISSUER");
      assert.equal(terminates(b.trace, U)[0][0], 0x01);
      assert.equal(b.responder?.status, "UNKNOWN_ISSUER");
      assert.equal(b.keys.length, 0);
    });

    it("INVALID_CERTIFICATE both ways (revoked subject; suite 2 also key usage and validity)", () => {
      const a = run({ suite, v: { crypto: { revoked: { subjects: [fromHex(U)] } } } });
      assert.equal(a.responder?.status, "INVALID_CERTIFICATE");
      assert.equal(terminates(a.trace, V)[0][0], 0x06);
      assert.equal(a.initiator?.status, "INVALID_CERTIFICATE");
      // a list loaded after the engine was built applies to the next session
      let loaded: { subjects: Uint8Array[] } | undefined;
      const { i, r } = engines({ suite, u: { crypto: { revoked: () => loaded } } });
      assert.equal(runKeExchange({ initiator: i, responder: r }).initiator?.status, "SUCCESS");
      loaded = { subjects: [fromHex(V)] };
      const b = runKeExchange({ initiator: i, responder: r, now: 1_000 });
      assert.equal(b.initiator?.status, "INVALID_CERTIFICATE");
      assert.equal(terminates(b.trace, U)[0][0], 0x06);
      if (suite === 2) {
        const noAgreement = certU.slice();
        noAgreement[43] = 0x80;
        const c = run({ suite, u: { certificate: noAgreement } });
        assert.equal(c.responder?.status, "INVALID_CERTIFICATE");
        // valid from 2013-11-25: a clock in 2012 makes it not yet valid
        const d = run({ suite, wallClock: () => Date.parse("2012-01-01T00:00:00Z") });
        assert.equal(d.responder?.status, "INVALID_CERTIFICATE");
        assert.match(d.responder?.reason ?? "", /validFrom/);
      }
    });

    it("BAD_MESSAGE: certificate of another subject, invalid ephemeral point, truncated command", () => {
      const a = run({ suite, u: { eui: "00000000000000ee" } });
      assert.equal(a.responder?.status, "BAD_MESSAGE");
      assert.equal(terminates(a.trace, V)[0][0], 0x03);
      const bad = invalidPoint(suite, fromHex(vec.initiator_u.ephemeral_public_key));
      const b = run({ suite }, (e) =>
        e.index === 4 ? Uint8Array.from([...e.frame.slice(0, 3), ...bad]) : undefined,
      );
      assert.equal(b.responder?.status, "BAD_MESSAGE");
      assert.match(b.responder?.reason ?? "", /ephemeral/);
      assert.equal(b.initiator?.status, "BAD_MESSAGE");
      const badV = invalidPoint(suite, fromHex(vec.responder_v.ephemeral_public_key));
      const c = run({ suite }, (e) =>
        e.index === 5 ? Uint8Array.from([...e.frame.slice(0, 3), ...badV]) : undefined,
      );
      assert.equal(c.initiator?.status, "BAD_MESSAGE");
      assert.equal(terminates(c.trace, U)[0][0], 0x03);
      const d = run({ suite }, (e) => (e.index === 2 ? e.frame.slice(0, 20) : undefined));
      assert.equal(d.responder?.status, "BAD_MESSAGE");
    });

    it("BAD_KEY_CONFIRM both ways", () => {
      const flip = (n: number) => (e: { index: number; frame: Uint8Array }) => {
        if (e.index !== n) return undefined;
        const f = e.frame.slice();
        f[5] ^= 0x80;
        return f;
      };
      const a = run({ suite }, flip(6));
      assert.equal(a.responder?.status, "BAD_KEY_CONFIRM");
      assert.equal(terminates(a.trace, V)[0][0], 0x02);
      assert.equal(a.keys.length, 0);
      const b = run({ suite }, flip(7));
      assert.equal(b.initiator?.status, "BAD_KEY_CONFIRM");
      assert.equal(terminates(b.trace, U)[0][0], 0x02);
      assert.equal(b.keys.filter((k) => k.holder === U).length, 0);
    });

    it("NO_RESOURCES with the wait time for a second initiator", () => {
      const { i, r } = engines({ suite, v: { options: { maxSessions: 1, waitTimeSec: 45 } } });
      const other = new KeInitiator({
        identity: identityOf(suite, vec.initiator_u, { eui: "00000000000000ee" }),
        crypto: cbkeCrypto(),
        rng: new SeededRng(3),
      });
      const bus = new KeBus().add({ eui64: U, initiator: i }).add({ eui64: V, responder: r });
      bus.add({ eui64: other.eui64, initiator: other });
      bus.apply(U, "initiator", i.start({ partner: V, now: 0 }));
      bus.run(16); // U's session is open on V
      bus.apply(other.eui64, "initiator", other.start({ partner: V, now: bus.now }));
      bus.run();
      const o = bus.outcomes.find((x) => x.role === "initiator" && x.status === "NO_RESOURCES");
      assert.equal(o?.waitTimeSec, 45);
      assert.ok(other.retryAfterMs(V, bus.now) > 0);
      assert.equal(bus.outcomes.filter((x) => x.status === "SUCCESS").length, 2);
      const t = bus.trace.find((x) => x.to === other.eui64 && terminates([x], V).length > 0);
      assert.deepEqual(t && decodeKeFrame(t.frame).message, {
        command: "terminate",
        status: 4,
        waitTime: 45,
        suites: suite,
      });
    });

    it("UNSUPPORTED_SUITE when the requested suite is not the responder's", () => {
      const other: KeSuite = suite === 1 ? 2 : 1;
      const ov = VECTORS[other];
      const i = new KeInitiator({
        identity: identityOf(other, ov.initiator_u, {
          eui: U,
          certificate: fromHex(ov.initiator_u.certificate),
        }),
        crypto: cbkeCrypto(),
        rng: new SeededRng(4),
      });
      const { r } = engines({ suite });
      const res = runKeExchange({
        initiator: i,
        responder: r,
        start: { partnerSuites: other === 1 ? 1 : 2 },
      });
      assert.equal(res.responder?.status, "UNSUPPORTED_SUITE");
      assert.deepEqual(decodeKeFrame(res.trace[1].frame).message, {
        command: "terminate",
        status: 5,
        waitTime: 0,
        suites: suite,
      });
      assert.equal(res.initiator?.status, "UNSUPPORTED_SUITE");
      // negotiated normally, the initiator sees no common suite and sends nothing more
      const n = runKeExchange({ initiator: i, responder: r, now: 100 });
      assert.equal(n.initiator?.status, "UNSUPPORTED_SUITE");
      assert.equal(n.trace.length, 2);
      assert.equal(n.trace[0].cluster, CLUSTER_KEY_ESTABLISHMENT);
    });
  });
}
