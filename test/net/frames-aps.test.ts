/** Zigbee APS frames (05-3474 2.2.5), APS commands (4.4.10) and APS security (4.4.1). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyTransportKey } from "../../src/crypto/hmac.js";
import { type ApsFrame, decodeApsFrame, encodeApsFrame } from "../../src/net/frames/aps.js";
import { decodeApsCommand, encodeApsCommand } from "../../src/net/frames/aps-commands.js";
import { KeyId } from "../../src/net/frames/security.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";

const linkKey = fromHex("66b6900981e1ee3ca4206b6b861c02bb");
const tc = fromHex("0011223344556677");
const dev = fromHex("8899aabbccddeeff");
const key = fromHex("000102030405060708090a0b0c0d0e0f");

describe("APS frame header (05-3474 2.2.5.1)", () => {
  it("data frame: fc, dst endpoint, cluster, profile, src endpoint, counter", () => {
    const f: ApsFrame = {
      type: "data",
      ackRequest: true,
      dstEndpoint: 0xf0,
      clusterId: 0x0800,
      profileId: 0x0109,
      srcEndpoint: 0xf0,
      counter: 0x12,
      payload: fromHex("0901"),
    };
    assert.equal(toHex(encodeApsFrame(f)), "40" + "f0" + "0008" + "0901" + "f0" + "12" + "0901");
    const d = decodeApsFrame(encodeApsFrame(f));
    assert.ok(d.ok);
    assert.deepEqual(d.frame, { ...f, delivery: "unicast" });
  });

  it("group delivery carries the group address instead of the destination endpoint", () => {
    const f: ApsFrame = {
      type: "data",
      delivery: "group",
      group: 0xabcd,
      clusterId: 6,
      profileId: 0x104,
      srcEndpoint: 1,
      counter: 1,
      payload: new Uint8Array(0),
    };
    const b = encodeApsFrame(f);
    assert.equal(toHex(b), "0c" + "cdab" + "0600" + "0401" + "01" + "01");
    const d = decodeApsFrame(b);
    assert.ok(d.ok && d.frame.type === "data");
    assert.equal(d.frame.group, 0xabcd);
  });

  it("acknowledgements: data format with endpoints, command format (bit 4) with the counter only", () => {
    const a: ApsFrame = {
      type: "ack",
      ackFormat: "data",
      dstEndpoint: 1,
      clusterId: 0x25,
      profileId: 0x109,
      srcEndpoint: 2,
      counter: 7,
    };
    assert.equal(toHex(encodeApsFrame(a)), "02" + "01" + "2500" + "0901" + "02" + "07");
    const c: ApsFrame = { type: "ack", ackFormat: "command", counter: 9 };
    assert.equal(toHex(encodeApsFrame(c)), "1209");
    for (const f of [a, c]) {
      const d = decodeApsFrame(encodeApsFrame(f));
      assert.ok(d.ok);
      assert.deepEqual(d.frame, { ...f, delivery: "unicast", ackRequest: false });
    }
  });

  it("refuses extended headers, inter-PAN, the reserved delivery mode and truncation", () => {
    const bad = (hex: string, re: RegExp) =>
      assert.throws(
        () => decodeApsFrame(fromHex(hex)),
        (e) => isZseError(e, "BAD_FRAME") && re.test(e.message),
      );
    bad("80f0000809010f12", /extended header/);
    bad("03", /inter-PAN/);
    bad("04f0000809010f12", /reserved/);
    bad("40f00008", /profile id/);
    bad("0209", /cluster id/);
    bad("1209ff", /unexpected payload/);
  });
});

describe("APS commands (05-3474 4.4.10)", () => {
  const cases: [string, Parameters<typeof encodeApsCommand>[0], string][] = [
    [
      "Transport Key, network key (4.4.10.1.3.3)",
      { command: "transportKey", keyType: "network", key, keySequence: 2, destination: dev, source: tc },
      "05" + "01" + toHex(key) + "02" + "ffeeddccbbaa9988" + "7766554433221100",
    ],
    [
      "Transport Key, TC link key (4.4.10.1.3.1)",
      { command: "transportKey", keyType: "trustCenterLink", key, destination: dev, source: tc },
      "05" + "04" + toHex(key) + "ffeeddccbbaa9988" + "7766554433221100",
    ],
    [
      "Transport Key, application link key (4.4.10.1.3.4)",
      { command: "transportKey", keyType: "applicationLink", key, partner: dev, initiator: true },
      "05" + "03" + toHex(key) + "ffeeddccbbaa9988" + "01",
    ],
    [
      "Request Key, application link key (4.4.10.4)",
      { command: "requestKey", keyType: "applicationLink", partner: dev },
      "0802ffeeddccbbaa9988",
    ],
    ["Request Key, TC link key", { command: "requestKey", keyType: "trustCenterLink" }, "0804"],
    [
      "Update Device (4.4.10.2)",
      { command: "updateDevice", device: dev, shortAddress: 0x1234, status: 1 },
      "06ffeeddccbbaa9988341201",
    ],
    ["Remove Device (4.4.10.3)", { command: "removeDevice", target: dev }, "07ffeeddccbbaa9988"],
    ["Switch Key (4.4.10.5)", { command: "switchKey", keySequence: 4 }, "0904"],
    ["an unknown command kept raw", { command: "other", id: 0x0f, payload: fromHex("aabb") }, "0faabb"],
  ];
  for (const [name, cmd, hex] of cases) {
    it(name, () => {
      assert.equal(toHex(encodeApsCommand(cmd)), hex);
      assert.deepEqual(decodeApsCommand(fromHex(hex)), cmd);
    });
  }

  it("refuses unknown key types, bad initiator flags, short and over-long payloads", () => {
    const bad = (hex: string, re: RegExp) =>
      assert.throws(
        () => decodeApsCommand(fromHex(hex)),
        (e) => isZseError(e, "BAD_FRAME") && re.test(e.message),
      );
    bad("0502" + toHex(key), /key type: 0x2/);
    bad("0503" + toHex(key) + "ffeeddccbbaa998802", /initiator flag/);
    bad("0501" + toHex(key).slice(0, 20), /key/);
    bad("0803", /key type: 0x3/);
    bad("0904ff", /trailing/);
    bad("", /command id/);
  });
});

describe("APS security (05-3474 4.4.1)", () => {
  const transportKey: ApsFrame = {
    type: "command",
    counter: 3,
    command: {
      command: "transportKey",
      keyType: "network",
      key,
      keySequence: 0,
      destination: dev,
      source: tc,
    },
  };

  it("Transport Key under the key-transport key: extended nonce by default, key id 2, source in the aux header", () => {
    const b = encodeApsFrame(transportKey, {
      security: { key: linkKey, keyId: KeyId.keyTransport, frameCounter: 5, source: tc },
    });
    assert.equal(b[0], 0x21);
    assert.equal(b[2], 0x30, "security control: level 0, key-transport key, extended nonce");
    assert.equal(toHex(b.subarray(3, 7)), "05000000");
    assert.equal(toHex(b.subarray(7, 15)), "7766554433221100");
    assert.equal(b.length, 15 + 35 + 4);
    const d = decodeApsFrame(b, { linkKeys: () => [key, linkKey] });
    assert.ok(d.ok);
    assert.deepEqual(d.frame, { ...transportKey, delivery: "unicast", ackRequest: false });
    assert.equal(d.security?.keyIndex, 1);
    assert.deepEqual(d.security?.key, linkKey, "the caller's link key, not the derived key-transport key");
  });

  it("the derivation matters: handing the derived key as the link key does not verify", () => {
    const b = encodeApsFrame(transportKey, {
      security: { key: linkKey, keyId: KeyId.keyTransport, frameCounter: 5, source: tc },
    });
    const d = decodeApsFrame(b, { linkKeys: () => [keyTransportKey(linkKey)] });
    assert.ok(!d.ok && d.reason === "MIC_FAILED");
  });

  it("key-load key (id 3) round-trips and differs from the key-transport form", () => {
    const s = { key: linkKey, frameCounter: 5, source: tc };
    const a = encodeApsFrame(transportKey, { security: { ...s, keyId: KeyId.keyTransport } });
    const b = encodeApsFrame(transportKey, { security: { ...s, keyId: KeyId.keyLoad } });
    assert.equal(b[2], 0x38);
    assert.notEqual(toHex(a.subarray(15)), toHex(b.subarray(15)));
    assert.ok(decodeApsFrame(b, { linkKeys: () => [linkKey] }).ok);
  });

  it("data key without the extended nonce takes the source from the NWK layer (NO_SOURCE without it)", () => {
    const f: ApsFrame = {
      type: "data",
      dstEndpoint: 240,
      clusterId: 0x25,
      profileId: 0x109,
      srcEndpoint: 240,
      counter: 1,
      payload: fromHex("0001000000"),
    };
    const b = encodeApsFrame(f, { security: { key: linkKey, frameCounter: 9, source: dev } });
    assert.equal(b[8], 0x00, "security control: level 0, data key, no extended nonce");
    const none = decodeApsFrame(b, { linkKeys: () => [linkKey] });
    assert.ok(!none.ok && none.reason === "NO_SOURCE");
    const wrongSource = decodeApsFrame(b, { linkKeys: () => [linkKey], source: tc });
    assert.ok(!wrongSource.ok && wrongSource.reason === "MIC_FAILED");
    const d = decodeApsFrame(b, { linkKeys: () => [linkKey], source: dev });
    assert.ok(d.ok && d.frame.type === "data");
    assert.deepEqual(d.frame.payload, f.payload);
  });

  it("APS commands under the data key carry the extended nonce by default; explicit false is honoured", () => {
    const rk: ApsFrame = {
      type: "command",
      counter: 1,
      command: { command: "requestKey", keyType: "trustCenterLink" },
    };
    const b = encodeApsFrame(rk, { security: { key: linkKey, frameCounter: 2, source: dev } });
    assert.equal(b[2], 0x20, "security control: data key, extended nonce");
    assert.ok(decodeApsFrame(b, { linkKeys: () => [linkKey] }).ok);
    const c = encodeApsFrame(rk, {
      security: { key: linkKey, frameCounter: 2, source: dev, extendedNonce: false },
    });
    assert.equal(c[2], 0x00);
    assert.ok(decodeApsFrame(c, { linkKeys: () => [linkKey], source: dev }).ok);
  });

  it("a secured acknowledgement carries only the MIC", () => {
    const a: ApsFrame = {
      type: "ack",
      ackFormat: "data",
      dstEndpoint: 1,
      clusterId: 0x25,
      profileId: 0x109,
      srcEndpoint: 2,
      counter: 7,
    };
    const b = encodeApsFrame(a, {
      security: { key: linkKey, frameCounter: 1, source: dev, extendedNonce: true },
    });
    assert.equal(b.length, 8 + 13 + 4);
    assert.ok(decodeApsFrame(b, { linkKeys: () => [linkKey] }).ok);
  });

  it("round-trips secured data frames (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 90 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom(KeyId.data, KeyId.keyTransport, KeyId.keyLoad),
        fc.boolean(),
        (payload, counter, keyId, ext) => {
          const f: ApsFrame = {
            type: "data",
            dstEndpoint: 1,
            clusterId: 0x800,
            profileId: 0x109,
            srcEndpoint: 2,
            counter: 0,
            payload,
          };
          const b = encodeApsFrame(f, {
            security: { key: linkKey, keyId, frameCounter: counter, source: dev, extendedNonce: ext },
          });
          const d = decodeApsFrame(b, { linkKeys: () => [linkKey], source: dev });
          assert.ok(d.ok && d.frame.type === "data");
          assert.deepEqual(d.frame.payload, payload);
          assert.equal(d.security?.aux.keyId, keyId);
        },
      ),
      { numRuns: 100, seed: 22510 },
    );
  });
});
