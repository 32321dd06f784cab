/**
 * Key Establishment cluster commands (SE 07-5356 C.3.1.3 / C.3.1.4): frames built from the
 * Annex C.5 / C.6 vectors, read back by Wireshark's tshark (independent dissector), negative
 * cases, and a fast-check fuzz of every decoder.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { ZclDataType } from "../../src/zcl/data-types.js";
import { encodeReadAttributesResponse } from "../../src/zcl/foundation.js";
import { encodeZclFrame } from "../../src/zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT, KE_ATTR_SUITE } from "../../src/zcl/ids.js";
import {
  decodeConfirmKeyData,
  decodeEphemeralData,
  decodeInitiateKe,
  decodeKeFrame,
  decodeKeMessage,
  decodeTerminateKe,
  encodeInitiateKe,
  encodeKeFrame,
  type KeMessage,
  type KeSuite,
  KeTerminateStatus,
  keTerminateStatusName,
  suiteFromBit,
  suiteMask,
} from "../../src/zcl/ke-commands.js";
import fc from "../support/fast-check.js";
import { loadVectors } from "../support/vectors.js";
import { tsharkAvailable, tsharkFields } from "./tshark.js";

interface Party {
  ieee: string;
  certificate: string;
  ephemeral_public_key: string;
}
interface AnnexC {
  initiator_u: Party;
  responder_v: Party;
  mac_u: string;
  mac_v: string;
  initiate_request_payload_prefix_panweave?: string;
}
const VECTORS: Record<KeSuite, AnnexC> = {
  1: loadVectors<AnnexC>("cbke_suite1_annex_c.json"),
  2: loadVectors<AnnexC>("cbke_suite2_annex_c.json"),
};

/** The six frames of an Annex C exchange plus a Terminate each way. */
function annexFrames(suite: KeSuite): { frame: Uint8Array; message: KeMessage; toServer: boolean }[] {
  const v = VECTORS[suite];
  const list: [boolean, KeMessage][] = [
    [
      true,
      {
        command: "initiate",
        suite,
        ephemeralDataGenerateTime: 3,
        confirmKeyGenerateTime: 6,
        certificate: fromHex(v.initiator_u.certificate),
      },
    ],
    [
      false,
      {
        command: "initiate",
        suite,
        ephemeralDataGenerateTime: 4,
        confirmKeyGenerateTime: 7,
        certificate: fromHex(v.responder_v.certificate),
      },
    ],
    [true, { command: "ephemeral", publicKey: fromHex(v.initiator_u.ephemeral_public_key) }],
    [false, { command: "ephemeral", publicKey: fromHex(v.responder_v.ephemeral_public_key) }],
    [true, { command: "confirm", mac: fromHex(v.mac_u) }],
    [false, { command: "confirm", mac: fromHex(v.mac_v) }],
    [
      true,
      {
        command: "terminate",
        status: KeTerminateStatus.BAD_KEY_CONFIRM,
        waitTime: 0,
        suites: suiteMask([suite]),
      },
    ],
    [
      false,
      {
        command: "terminate",
        status: KeTerminateStatus.NO_RESOURCES,
        waitTime: 30,
        suites: suiteMask([suite]),
      },
    ],
  ];
  return list.map(([toServer, message], i) => ({
    toServer,
    message,
    frame: encodeKeFrame({
      seq: 0x40 + i,
      direction: toServer ? "client-to-server" : "server-to-client",
      message,
    }),
  }));
}

for (const suite of [1, 2] as const) {
  describe(`KE commands, suite ${suite} (SE 07-5356 C.3.1.3-C.3.1.4, Annex C.${suite === 1 ? 5 : 6})`, () => {
    const v = VECTORS[suite];
    const frames = annexFrames(suite);

    it("lays out Initiate KE Request as suite LE, two times, certificate", () => {
      const payload = encodeInitiateKe({
        suite,
        ephemeralDataGenerateTime: 3,
        confirmKeyGenerateTime: 6,
        certificate: fromHex(v.initiator_u.certificate),
      });
      const prefix = suite === 1 ? "0100" : "0200";
      assert.equal(toHex(payload), `${prefix}0306${v.initiator_u.certificate}`);
      if (v.initiate_request_payload_prefix_panweave) {
        assert.ok(toHex(payload).startsWith(v.initiate_request_payload_prefix_panweave));
      }
    });

    it("round-trips every Annex C frame", () => {
      for (const f of frames) {
        const { header, message } = decodeKeFrame(f.frame, suite);
        assert.equal(header.frameType, "cluster");
        assert.equal(header.direction, f.toServer ? "client-to-server" : "server-to-client");
        assert.deepEqual(message, f.message);
      }
    });

    it("Wireshark decodes the same fields", { skip: !tsharkAvailable() && "no tshark" }, () => {
      const rows = tsharkFields(
        frames.map((f) => ({ cluster: CLUSTER_KEY_ESTABLISHMENT, zcl: f.frame })),
        [
          "zbee_zcl.cmd.tsn",
          "zbee_zcl_se.ke.cmd.srv_rx.id",
          "zbee_zcl_se.ke.cmd.srv_tx.id",
          "zbee_zcl_se.ke.attr.suite",
          "zbee_zcl_se.ke.init.ephemeral.time",
          "zbee_zcl_se.ke.init.confirm.time",
          "zbee_zcl_se.ke.cert.subject",
          "zbee_zcl_se.ke.cert.issuer",
          "zbee_zcl_se.ke.qeu",
          "zbee_zcl_se.ke.qev",
          "zbee_zcl_se.ke.macu",
          "zbee_zcl_se.ke.macv",
          "zbee_zcl_se.ke.terminate.status",
          "zbee_zcl_se.ke.terminate.wait.time",
        ],
      );
      assert.equal(rows.length, frames.length);
      frames.forEach((f, i) => {
        const row = rows[i];
        const m = f.message;
        const id = `0x0${{ initiate: 0, ephemeral: 1, confirm: 2, terminate: 3 }[m.command]}`;
        assert.equal(row["zbee_zcl.cmd.tsn"], String(0x40 + i));
        assert.equal(row[f.toServer ? "zbee_zcl_se.ke.cmd.srv_rx.id" : "zbee_zcl_se.ke.cmd.srv_tx.id"], id);
        if (m.command === "initiate") {
          assert.equal(row["zbee_zcl_se.ke.attr.suite"], `0x000${suite}`);
          assert.equal(row["zbee_zcl_se.ke.init.ephemeral.time"], String(m.ephemeralDataGenerateTime));
          assert.equal(row["zbee_zcl_se.ke.init.confirm.time"], String(m.confirmKeyGenerateTime));
          const party = f.toServer ? v.initiator_u : v.responder_v;
          assert.equal(row["zbee_zcl_se.ke.cert.subject"], party.ieee);
        } else if (m.command === "ephemeral") {
          assert.equal(row[f.toServer ? "zbee_zcl_se.ke.qeu" : "zbee_zcl_se.ke.qev"], toHex(m.publicKey));
        } else if (m.command === "confirm") {
          assert.equal(row[f.toServer ? "zbee_zcl_se.ke.macu" : "zbee_zcl_se.ke.macv"], toHex(m.mac));
        } else {
          assert.equal(Number(row["zbee_zcl_se.ke.terminate.status"]), m.status);
          assert.equal(row["zbee_zcl_se.ke.terminate.wait.time"], String(m.waitTime));
          assert.equal(row["zbee_zcl_se.ke.attr.suite"], `0x000${suite}`);
        }
      });
    });

    it("rejects wrong lengths, foreign suites and trailing bytes with BAD_FRAME", () => {
      const init = toHex(
        encodeInitiateKe({
          suite,
          ephemeralDataGenerateTime: 3,
          confirmKeyGenerateTime: 6,
          certificate: fromHex(v.initiator_u.certificate),
        }),
      );
      const bad: [() => unknown, RegExp][] = [
        [() => decodeInitiateKe(fromHex(`${init}00`)), /certificate/],
        [() => decodeInitiateKe(fromHex(init.slice(0, -2))), /certificate/],
        [() => decodeInitiateKe(fromHex(`0300${init.slice(4)}`)), /suite: 0x0003/],
        [() => decodeInitiateKe(fromHex(`0000${init.slice(4)}`)), /suite: 0x0000/],
        [() => decodeInitiateKe(fromHex(`0400${init.slice(4)}`)), /suite: 0x0004/],
        [() => decodeInitiateKe(fromHex("0100")), /ephemeralDataGenerateTime/],
        [
          () => decodeEphemeralData(fromHex(`${v.initiator_u.ephemeral_public_key}00`), suite),
          /ephemeralData/,
        ],
        [
          () => decodeEphemeralData(fromHex(v.initiator_u.ephemeral_public_key), suite === 1 ? 2 : 1),
          /ephemeralData/,
        ],
        [
          () => decodeEphemeralData(fromHex(`04${v.initiator_u.ephemeral_public_key.slice(2)}`), suite),
          /prefix 0x4/,
        ],
        [() => decodeConfirmKeyData(fromHex(`${v.mac_u}00`)), /mac: 17/],
        [() => decodeConfirmKeyData(fromHex(v.mac_u.slice(2))), /mac: 15/],
        [() => decodeTerminateKe(fromHex("031e010000")), /trailing/],
        [() => decodeTerminateKe(fromHex("031e01")), /suites/],
        [() => decodeKeMessage(0x04, new Uint8Array(0)), /commandId: 0x4/],
        [
          () =>
            decodeKeFrame(
              encodeZclFrame({
                frameType: "global",
                direction: "client-to-server",
                disableDefaultResponse: false,
                seq: 1,
                commandId: 0,
              }),
            ),
          /frameType/,
        ],
      ];
      for (const [f, re] of bad) {
        assert.throws(f, (e) => isZseError(e, "BAD_FRAME") && re.test(e.message), String(re));
      }
    });
  });
}

describe("KeyEstablishmentSuite attribute (SE 07-5356 C.3.1.2.2.1)", () => {
  it("suite bits: exactly one known bit maps to a suite", () => {
    assert.equal(suiteFromBit(1), 1);
    assert.equal(suiteFromBit(2), 2);
    for (const v of [0, 3, 4, 0x8000]) assert.equal(suiteFromBit(v), undefined);
    assert.equal(suiteMask([1, 2]), 3);
  });

  it("Wireshark reads our Read Attributes Response as an enum16 KeyEstablishmentSuite", {
    skip: !tsharkAvailable() && "no tshark",
  }, () => {
    const zcl = encodeZclFrame(
      {
        frameType: "global",
        direction: "server-to-client",
        disableDefaultResponse: true,
        seq: 9,
        commandId: 0x01,
      },
      encodeReadAttributesResponse([
        { attributeId: KE_ATTR_SUITE, status: 0, dataType: ZclDataType.ENUM16, value: 3 },
      ]),
    );
    const [row] = tsharkFields(
      [{ cluster: CLUSTER_KEY_ESTABLISHMENT, zcl }],
      ["zbee_zcl_se.ke.attr_id", "zbee_zcl.attr.data.type", "zbee_zcl.attr.uint16"],
    );
    assert.equal(row["zbee_zcl_se.ke.attr_id"], "0x0000");
    assert.equal(row["zbee_zcl.attr.data.type"], "0x31");
    assert.equal(row["zbee_zcl.attr.uint16"], "3");
  });

  it("names Terminate statuses (C.3.1.3.4)", () => {
    assert.equal(keTerminateStatusName(1), "UNKNOWN_ISSUER");
    assert.equal(keTerminateStatusName(6), "INVALID_CERTIFICATE");
    assert.equal(keTerminateStatusName(0x42), "0x42");
  });
});

describe("KE decoders under fuzzing", () => {
  it("any bytes: a KE message or BAD_FRAME, never another exception", () => {
    const anyFrame = fc.oneof(
      fc.uint8Array({ maxLength: 90 }),
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 80 }))
        .map(([cmd, p]) => Uint8Array.from([0x01 | (p.length & 8), 7, cmd, ...p])),
    );
    fc.assert(
      fc.property(anyFrame, fc.constantFrom(undefined, 1 as const, 2 as const), (bytes, suite) => {
        try {
          const { message } = decodeKeFrame(bytes, suite);
          assert.ok(["initiate", "ephemeral", "confirm", "terminate"].includes(message.command));
        } catch (e) {
          if (!isZseError(e, "BAD_FRAME")) throw e;
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
