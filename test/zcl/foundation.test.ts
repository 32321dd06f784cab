/**
 * ZCL 07-5123 2.4 (header) and 2.5 (foundation commands): our codecs against zigpy, an
 * independent Python implementation (/usr/bin/python3), plus negative cases and fuzzing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { ZclDataType } from "../../src/zcl/data-types.js";
import {
  decodeDefaultResponse,
  decodeReadAttributes,
  decodeReadAttributesResponse,
  decodeWriteAttributes,
  decodeWriteAttributesResponse,
  encodeDefaultResponse,
  encodeReadAttributes,
  encodeReadAttributesResponse,
  encodeWriteAttributes,
  encodeWriteAttributesResponse,
  type ReadAttributeRecord,
  type WriteAttributeRecord,
} from "../../src/zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclHeader } from "../../src/zcl/header.js";
import { KE_ATTR_SUITE, KEEPALIVE_ATTR_BASE, KEEPALIVE_ATTR_JITTER } from "../../src/zcl/ids.js";
import { ZclStatus } from "../../src/zcl/status.js";
import fc from "../support/fast-check.js";
import { runZigpy, zigpyAvailable } from "../support/zigpy.js";

const SCRIPT = readFileSync(new URL("./zigpy_foundation.py", import.meta.url), "utf8");
const hasZigpy = zigpyAvailable();

function zigpy(items: { kind: string; hex: string }[]): unknown[] {
  return runZigpy<unknown[]>(SCRIPT, items);
}

/** Data types zigpy and we both carry as plain integers. */
const TYPES: [number, number, boolean][] = [
  [ZclDataType.BOOLEAN, 1, false],
  [ZclDataType.MAP8, 1, false],
  [ZclDataType.MAP16, 2, false],
  [ZclDataType.MAP32, 4, false],
  [ZclDataType.UINT8, 1, false],
  [ZclDataType.UINT16, 2, false],
  [ZclDataType.UINT24, 3, false],
  [ZclDataType.UINT32, 4, false],
  [ZclDataType.INT8, 1, true],
  [ZclDataType.INT16, 2, true],
  [ZclDataType.INT32, 4, true],
  [ZclDataType.ENUM8, 1, false],
  [ZclDataType.ENUM16, 2, false],
  [ZclDataType.UTC_TIME, 4, false],
];

const typedValue = fc.constantFrom(...TYPES).chain(([dataType, size, signed]) => {
  const bits = 8 * size;
  const value =
    dataType === ZclDataType.BOOLEAN
      ? fc.integer({ min: 0, max: 1 })
      : signed
        ? fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 })
        : fc.integer({ min: 0, max: 2 ** bits - 1 });
  return value.map((v) => ({ dataType, value: v }));
});
const u16 = fc.integer({ min: 0, max: 0xffff });
const failStatus = fc.constantFrom(0x86, 0x87, 0x88, 0x8d, 0x7e, 0x01);

const header: fc.Arbitrary<ZclHeader> = fc
  .record({
    frameType: fc.constantFrom("global" as const, "cluster" as const),
    manufacturerCode: fc.option(u16, { nil: undefined }),
    direction: fc.constantFrom("client-to-server" as const, "server-to-client" as const),
    disableDefaultResponse: fc.boolean(),
    seq: fc.integer({ min: 0, max: 255 }),
    commandId: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ manufacturerCode, ...rest }) =>
    manufacturerCode === undefined ? { ...rest } : { ...rest, manufacturerCode },
  );

const readRsp: fc.Arbitrary<ReadAttributeRecord[]> = fc.array(
  fc.oneof(
    fc.tuple(u16, typedValue).map(([attributeId, tv]) => ({ attributeId, status: 0, ...tv })),
    fc.tuple(u16, failStatus).map(([attributeId, status]) => ({ attributeId, status })),
  ),
  { minLength: 1, maxLength: 5 },
);
const writeReq: fc.Arbitrary<WriteAttributeRecord[]> = fc.array(
  fc.tuple(u16, typedValue).map(([attributeId, tv]) => ({ attributeId, ...tv })),
  { minLength: 1, maxLength: 5 },
);

describe("ZCL frame header (ZCL 07-5123 2.4.1)", () => {
  it("lays out frame control bits, manufacturer code and sequence number", () => {
    const f = encodeZclFrame(
      {
        frameType: "cluster",
        manufacturerCode: 0x1234,
        direction: "server-to-client",
        disableDefaultResponse: true,
        seq: 0x56,
        commandId: 0x03,
      },
      Uint8Array.of(0xaa),
    );
    // 0b0001_1101: cluster (01), manufacturer (bit 2), server->client (bit 3), no default rsp (bit 4)
    assert.equal(toHex(f), "1d34125603aa");
    const g = encodeZclFrame({
      frameType: "global",
      direction: "client-to-server",
      disableDefaultResponse: false,
      seq: 1,
      commandId: 0,
    });
    assert.equal(toHex(g), "000100");
  });

  it("rejects reserved frame types and truncated headers with BAD_FRAME", () => {
    assert.throws(
      () => decodeZclFrame(fromHex("020100")),
      (e) => isZseError(e, "BAD_FRAME") && /frame type/.test(e.message),
    );
    assert.throws(
      () => decodeZclFrame(fromHex("0401")),
      (e) => isZseError(e, "BAD_FRAME") && /manufacturerCode/.test(e.message),
    );
    assert.throws(
      () => decodeZclFrame(fromHex("0001")),
      (e) => isZseError(e, "BAD_FRAME") && /commandId/.test(e.message),
    );
    assert.throws(
      () => decodeZclFrame(new Uint8Array(0)),
      (e) => isZseError(e, "BAD_FRAME"),
    );
  });

  it("ignores reserved frame-control bits 5-7 on receipt", () => {
    const { header: h } = decodeZclFrame(fromHex("e1070a"));
    assert.equal(h.frameType, "cluster");
    assert.equal(h.seq, 7);
  });

  it("round-trips and agrees with zigpy", { skip: !hasZigpy && "no python3 zigpy" }, () => {
    const cases = fc.sample(fc.tuple(header, fc.uint8Array({ maxLength: 6 })), { numRuns: 60, seed: 5 });
    const frames = cases.map(([h, p]) => encodeZclFrame(h, p));
    const theirs = zigpy(frames.map((f) => ({ kind: "header", hex: toHex(f) })));
    cases.forEach(([h, p], i) => {
      const ours = decodeZclFrame(frames[i]);
      assert.deepEqual(ours.header, h);
      assert.deepEqual(ours.payload, p);
      assert.deepEqual(theirs[i], {
        frameType: h.frameType === "cluster" ? 1 : 0,
        manufacturerSpecific: h.manufacturerCode === undefined ? 0 : 1,
        direction: h.direction === "server-to-client" ? 1 : 0,
        disableDefaultResponse: h.disableDefaultResponse ? 1 : 0,
        manufacturerCode: h.manufacturerCode ?? null,
        seq: h.seq,
        commandId: h.commandId,
        payload: toHex(p),
      });
    });
  });
});

describe("Read / Write Attributes and Default Response (ZCL 07-5123 2.5.1-2.5.5, 2.5.12)", () => {
  it("agree with zigpy on random payloads", { skip: !hasZigpy && "no python3 zigpy" }, () => {
    const ids = fc.sample(fc.array(u16, { minLength: 1, maxLength: 6 }), { numRuns: 20, seed: 1 });
    const rsps = fc.sample(readRsp, { numRuns: 60, seed: 2 });
    const writes = fc.sample(writeReq, { numRuns: 60, seed: 3 });
    const wrsps = fc.sample(
      fc.array(
        fc.tuple(failStatus, u16).map(([status, attributeId]) => ({ status, attributeId })),
        { maxLength: 4 },
      ),
      { numRuns: 20, seed: 4 },
    );
    const defs = fc.sample(
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), failStatus)
        .map(([commandId, status]) => ({ commandId, status })),
      {
        numRuns: 10,
        seed: 6,
      },
    );
    const items = [
      ...ids.map((x) => ({ kind: "read_attrs", hex: toHex(encodeReadAttributes(x)) })),
      ...rsps.map((x) => ({ kind: "read_attrs_rsp", hex: toHex(encodeReadAttributesResponse(x)) })),
      ...writes.map((x) => ({ kind: "write_attrs", hex: toHex(encodeWriteAttributes(x)) })),
      ...wrsps.map((x) => ({ kind: "write_attrs_rsp", hex: toHex(encodeWriteAttributesResponse(x)) })),
      ...defs.map((x) => ({ kind: "default_rsp", hex: toHex(encodeDefaultResponse(x)) })),
    ];
    const theirs = zigpy(items);
    const expected = [...ids, ...rsps, ...writes, ...wrsps, ...defs];
    assert.deepEqual(theirs, expected);
    // and our decoders read back what we wrote
    const ours = [
      ...ids.map((x) => decodeReadAttributes(encodeReadAttributes(x))),
      ...rsps.map((x) => decodeReadAttributesResponse(encodeReadAttributesResponse(x))),
      ...writes.map((x) => decodeWriteAttributes(encodeWriteAttributes(x))),
      ...wrsps.map((x) => decodeWriteAttributesResponse(encodeWriteAttributesResponse(x))),
      ...defs.map((x) => decodeDefaultResponse(encodeDefaultResponse(x))),
    ];
    assert.deepEqual(ours, expected);
  });

  it("reads the Keep-Alive and KE attributes as the SE clusters send them", () => {
    // Keep-Alive Base uint8 = 10, Jitter uint16 = 300 (0x012c), KE suite enum16 = 0x0003
    const recs = decodeReadAttributesResponse(fromHex("0000 00 20 0a  0100 00 21 2c01  0000 00 31 0300"));
    assert.deepEqual(recs, [
      { attributeId: KEEPALIVE_ATTR_BASE, status: 0, dataType: 0x20, value: 10 },
      { attributeId: KEEPALIVE_ATTR_JITTER, status: 0, dataType: 0x21, value: 300 },
      { attributeId: KE_ATTR_SUITE, status: 0, dataType: 0x31, value: 3 },
    ]);
    assert.deepEqual(decodeReadAttributesResponse(fromHex("000086")), [
      { attributeId: 0, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
    ]);
    assert.deepEqual(decodeWriteAttributesResponse(fromHex("00")), []);
    assert.deepEqual(decodeWriteAttributesResponse(fromHex("870000")), [
      { status: ZclStatus.INVALID_VALUE, attributeId: 0 },
    ]);
  });

  it("rejects malformed payloads with BAD_FRAME naming the field", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => decodeReadAttributes(fromHex("000001")), /attributeIds/],
      [() => decodeReadAttributes(new Uint8Array(0)), /attributeIds/],
      [() => decodeReadAttributesResponse(fromHex("00000020")), /records\[0\]\.value/],
      [() => decodeReadAttributesResponse(fromHex("00000042030102")), /data type 0x42/],
      [() => decodeReadAttributesResponse(fromHex("0000")), /records\[0\]\.status/],
      [() => decodeWriteAttributes(fromHex("010021ff")), /records\[0\]\.value/],
      [() => decodeWriteAttributesResponse(fromHex("87")), /status/],
      [() => decodeWriteAttributesResponse(fromHex("870000ff")), /records/],
      [() => decodeDefaultResponse(fromHex("0b")), /status/],
      [() => decodeDefaultResponse(fromHex("0b0000")), /trailing/],
    ];
    for (const [f, re] of bad) assert.throws(f, (e) => isZseError(e, "BAD_FRAME") && re.test(e.message));
  });

  it("refuses to encode values that do not fit their type (BAD_VALUE)", () => {
    assert.throws(
      () => encodeWriteAttributes([{ attributeId: 0, dataType: ZclDataType.UINT8, value: 256 }]),
      (e) => isZseError(e, "BAD_VALUE") && /records\[0\]\.value/.test(e.message),
    );
    assert.throws(
      () => encodeReadAttributes([0x10000]),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => encodeReadAttributesResponse([{ attributeId: 0, status: 0 }]),
      (e) => isZseError(e, "BAD_VALUE"),
    );
  });

  it("fuzz: any bytes decode to a value or a BAD_FRAME, never another exception", () => {
    const decoders = [
      decodeZclFrame,
      decodeReadAttributes,
      decodeReadAttributesResponse,
      decodeWriteAttributes,
      decodeWriteAttributesResponse,
      decodeDefaultResponse,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        for (const d of decoders) {
          try {
            d(bytes);
          } catch (e) {
            if (!isZseError(e, "BAD_FRAME")) throw e;
          }
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
