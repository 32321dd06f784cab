import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { ecqvIssue } from "../../src/crypto/ecqv.js";
import { type CbkeDeriveInput, cbkeDerive, generateEphemeralKey, publicKeyFor } from "../../src/se/cbke.js";
import { concat, fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError, type ZseErrorCode } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import fc from "../support/fast-check.js";
import { curveNameForSuite, invalidPoint, opensslPublicKey } from "../support/node-ec.js";
import { type AnnexC, type AnnexCSide, annexC } from "../support/se-vectors.js";

function input(
  v: AnnexC,
  suite: 1 | 2,
  role: "initiator" | "responder",
  withEphemeralPublic = false,
): CbkeDeriveInput {
  const [me, them]: AnnexCSide[] =
    role === "initiator" ? [v.initiator_u, v.responder_v] : [v.responder_v, v.initiator_u];
  return {
    suite,
    role,
    caPublicKey: fromHex(v.ca_public_key),
    local: {
      eui64: fromHex(me.ieee),
      certificate: fromHex(me.certificate),
      privateKey: fromHex(me.static_private_key),
      ephemeralPrivateKey: fromHex(me.ephemeral_private_key),
      ephemeralPublicKey: withEphemeralPublic ? fromHex(me.ephemeral_public_key) : undefined,
    },
    remote: {
      eui64: fromHex(them.ieee),
      certificate: fromHex(them.certificate),
      ephemeralPublicKey: fromHex(them.ephemeral_public_key),
    },
  };
}

describe("CBKE computation (SE 07-5356 Annex C.5 suite 1, SE 1.4 Annex C.6 suite 2)", () => {
  for (const suite of [1, 2] as const) {
    const v = annexC(suite);
    for (const role of ["initiator", "responder"] as const) {
      it(`suite ${suite}, ${role}: every public key, Z, MacKey, KeyData, MACU, MACV`, () => {
        const r = cbkeDerive(input(v, suite, role));
        const [me, them] =
          role === "initiator" ? [v.initiator_u, v.responder_v] : [v.responder_v, v.initiator_u];
        assert.equal(toHex(r.localEphemeralPublicKey), me.ephemeral_public_key);
        assert.equal(toHex(r.remotePublicKey), them.static_public_key);
        assert.equal(toHex(r.sharedSecret), v.shared_secret_z);
        assert.equal(toHex(r.macKey), v.mac_key);
        assert.equal(toHex(r.keyData), v.key_data);
        assert.equal(toHex(r.macU), v.mac_u);
        assert.equal(toHex(r.macV), v.mac_v);
        const given = cbkeDerive(input(v, suite, role, true));
        assert.equal(toHex(given.macV), v.mac_v);
      });
    }
  }
  it("a partner ephemeral key from another exchange gives other MACs", () => {
    const v = annexC(1);
    const i = input(v, 1, "initiator");
    i.remote.ephemeralPublicKey = fromHex(v.initiator_u.static_public_key);
    const r = cbkeDerive(i);
    assert.notEqual(toHex(r.sharedSecret), v.shared_secret_z);
    assert.notEqual(toHex(r.macV), v.mac_v);
  });
});

describe("CBKE input rejections", () => {
  const v = annexC(1);
  const cases: [string, (i: CbkeDeriveInput) => void, ZseErrorCode, RegExp][] = [
    ["short CA key", (i) => (i.caPublicKey = i.caPublicKey.subarray(1)), "BAD_LENGTH", /caPublicKey/],
    ["suite 2 lengths on suite 1", (i) => (i.suite = 2), "BAD_LENGTH", /caPublicKey/],
    ["short local EUI-64", (i) => (i.local.eui64 = new Uint8Array(7)), "BAD_LENGTH", /local\.eui64/],
    [
      "long remote certificate",
      (i) => (i.remote.certificate = new Uint8Array(49)),
      "BAD_LENGTH",
      /remote\.certificate/,
    ],
    [
      "short private key",
      (i) => (i.local.privateKey = new Uint8Array(20)),
      "BAD_LENGTH",
      /local\.privateKey/,
    ],
    ["zero private key", (i) => (i.local.privateKey = new Uint8Array(21)), "BAD_SCALAR", /local\.privateKey/],
    [
      "zero ephemeral key",
      (i) => (i.local.ephemeralPrivateKey = new Uint8Array(21)),
      "BAD_SCALAR",
      /ephemeral/,
    ],
    [
      "remote ephemeral not on the curve",
      (i) => (i.remote.ephemeralPublicKey = invalidPoint("sect163k1", i.remote.ephemeralPublicKey)),
      "BAD_POINT",
      /remote\.ephemeralPublicKey/,
    ],
    [
      "remote ephemeral with a bad prefix",
      (i) => {
        i.remote.ephemeralPublicKey = Uint8Array.from(i.remote.ephemeralPublicKey);
        i.remote.ephemeralPublicKey[0] = 0x04;
      },
      "BAD_POINT",
      /remote\.ephemeralPublicKey/,
    ],
    ["bad role", (i) => ((i as { role: string }).role = "server"), "BAD_VALUE", /role/],
    ["bad suite", (i) => ((i as { suite: number }).suite = 3), "BAD_VALUE", /suite/],
  ];
  for (const [name, patch, code, re] of cases) {
    it(name, () => {
      const i = input(v, 1, "initiator");
      patch(i);
      assert.throws(
        () => cbkeDerive(i),
        (e) => isZseError(e, code) && re.test(e.message),
      );
    });
  }
});

describe("ephemeral keys and keygen", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: generated pairs agree with OpenSSL; a seeded Rng replays`, () => {
      const a = generateEphemeralKey(suite, new SeededRng("k"));
      const b = generateEphemeralKey(suite, new SeededRng("k"));
      assert.deepEqual(a, b);
      assert.equal(toHex(a.publicKey), opensslPublicKey(curveNameForSuite(suite), a.privateKey));
      assert.equal(toHex(publicKeyFor(suite, a.privateKey)), toHex(a.publicKey));
      assert.notDeepEqual(generateEphemeralKey(suite).privateKey, a.privateKey);
    });
  }
  it("publicKeyFor reduces a key of n + k like the C.6 responder's", () => {
    const v = annexC(2).responder_v;
    assert.equal(toHex(publicKeyFor(2, fromHex(v.ephemeral_private_key))), v.ephemeral_public_key);
    assert.throws(
      () => publicKeyFor(1, new Uint8Array(36)),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
  });
});

describe("CBKE between freshly issued devices (property: both sides agree)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: same Z, KeyData and MACs from both roles; another CA's key breaks it`, () => {
      const curve = curveForSuite(suite);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
          const rng = new SeededRng(seed);
          const caKey = curve.randomScalar(rng);
          const caPublicKey = curve.encodePoint(curve.mulBase(caKey));
          const device = (last: number) => {
            const subject = Uint8Array.of(0, 0x0d, 0x6f, 0, 0, 0, 0, last);
            const issued = ecqvIssue({
              curve,
              caPrivateKey: caKey,
              rng,
              encodeWith: (p) =>
                suite === 1
                  ? concat(p, subject, fromHex("5445535453454341"), new Uint8Array(10))
                  : concat(
                      fromHex("0000000000000000000d0854455354534543410000000000ffffffff"),
                      subject,
                      Uint8Array.of(0x08),
                      p,
                    ),
            });
            return {
              subject,
              certificate: issued.certificate,
              privateKey: curve.scalarToBytes(issued.privateKey ?? 0n),
            };
          };
          const u = device(1);
          const v = device(2);
          const eu = generateEphemeralKey(suite, rng);
          const ev = generateEphemeralKey(suite, rng);
          const side = (role: "initiator" | "responder", ca = caPublicKey) => {
            const [me, them, mine, theirs] = role === "initiator" ? [u, v, eu, ev] : [v, u, ev, eu];
            return cbkeDerive({
              suite,
              role,
              caPublicKey: ca,
              local: {
                eui64: me.subject,
                certificate: me.certificate,
                privateKey: me.privateKey,
                ephemeralPrivateKey: mine.privateKey,
              },
              remote: {
                eui64: them.subject,
                certificate: them.certificate,
                ephemeralPublicKey: theirs.publicKey,
              },
            });
          };
          const a = side("initiator");
          const b = side("responder");
          assert.equal(toHex(a.sharedSecret), toHex(b.sharedSecret));
          assert.equal(toHex(a.keyData), toHex(b.keyData));
          assert.equal(toHex(a.macU), toHex(b.macU));
          assert.equal(toHex(a.macV), toHex(b.macV));
          assert.equal(toHex(a.localEphemeralPublicKey), toHex(eu.publicKey));
          const wrongCa = curve.encodePoint(curve.mulBase(caKey + 1n));
          assert.notEqual(toHex(side("initiator", wrongCa).keyData), toHex(a.keyData));
        }),
        { numRuns: 3, seed: 20 + suite },
      );
    });
  }
});
