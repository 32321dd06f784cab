import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KeepAliveClient } from "../../src/engine/keepalive-client.js";
import { KeepAliveServer } from "../../src/engine/keepalive-server.js";
import type { SendAction } from "../../src/engine/types.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { ZclDataType } from "../../src/zcl/data-types.js";
import {
  decodeDefaultResponse,
  decodeReadAttributesResponse,
  decodeWriteAttributesResponse,
  encodeReadAttributes,
  encodeWriteAttributes,
} from "../../src/zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclHeader } from "../../src/zcl/header.js";
import { CLUSTER_KEEP_ALIVE, GlobalCommand } from "../../src/zcl/ids.js";
import { ZclStatus } from "../../src/zcl/status.js";
import { runZigpy, zigpyAvailable } from "../support/zigpy.js";

const CLIENT = "00124b0000000a0a";
const { UINT8, UINT16 } = ZclDataType;

function request(commandId: number, payload: Uint8Array, extra: Partial<ZclHeader> = {}): Uint8Array {
  return encodeZclFrame(
    {
      frameType: "global",
      direction: "client-to-server",
      disableDefaultResponse: false,
      seq: 42,
      commandId,
      ...extra,
    },
    payload,
  );
}

function ask(server: KeepAliveServer, frame: Uint8Array, apsSecured = true): SendAction[] {
  return server.handleFrame({ from: CLIENT, endpoint: 7, cluster: CLUSTER_KEEP_ALIVE, frame, apsSecured }, 0);
}

function only(out: SendAction[]) {
  assert.equal(out.length, 1);
  const a = out[0];
  assert.equal(a.to, CLIENT);
  assert.equal(a.endpoint, 7);
  assert.equal(a.cluster, CLUSTER_KEEP_ALIVE);
  assert.equal(a.apsSecurity, true, "responses go out APS-secured");
  const f = decodeZclFrame(a.frame);
  assert.equal(f.header.direction, "server-to-client");
  assert.equal(f.header.seq, 42);
  return f;
}

const write = (
  records: { attributeId: number; dataType: number; value: number }[],
  cmd: number = GlobalCommand.WRITE_ATTRIBUTES,
) => request(cmd, encodeWriteAttributes(records));

describe("Keep-Alive server attributes (SE 07-5356 Keep-Alive cluster, ZCL 07-5123 §2.5.1-2.5.2)", () => {
  it("answers Read Attributes with the defaults 10 min / 300 s and UNSUPPORTED_ATTRIBUTE for others", () => {
    const f = only(
      ask(new KeepAliveServer(), request(GlobalCommand.READ_ATTRIBUTES, encodeReadAttributes([0, 1, 2]))),
    );
    assert.equal(f.header.commandId, GlobalCommand.READ_ATTRIBUTES_RESPONSE);
    assert.deepEqual(decodeReadAttributesResponse(f.payload), [
      { attributeId: 0, status: 0, dataType: UINT8, value: 10 },
      { attributeId: 1, status: 0, dataType: UINT16, value: 300 },
      { attributeId: 2, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
    ]);
  });

  it("configure(): 0 means the stack default, out of range throws BAD_VALUE naming the field", () => {
    const s = new KeepAliveServer({ base: 1, jitter: 5 });
    assert.deepEqual(s.params, { base: 1, jitter: 5 });
    s.configure({ base: 0 });
    assert.deepEqual(s.params, { base: 10, jitter: 5 });
    s.configure({ jitter: 0 });
    assert.deepEqual(s.params, { base: 10, jitter: 300 });
    s.configure({ base: 255, jitter: 512 });
    assert.deepEqual(s.params, { base: 255, jitter: 512 });
    for (const bad of [{ base: 256 }, { base: 1.5 }, { jitter: 513 }, { jitter: -1 }]) {
      assert.throws(
        () => s.configure(bad),
        (e: unknown) => isZseError(e, "BAD_VALUE") && /base|jitter/.test((e as Error).message),
      );
    }
    assert.deepEqual(s.params, { base: 255, jitter: 512 }, "a refused configure changes nothing");
    s.setAttributes({ jitter: 0 });
    assert.deepEqual(s.params, { base: 255, jitter: 0 }, "setAttributes takes jitter 0 literally");
  });

  it("Write Attributes: in-range values accepted, bounds inclusive", () => {
    const s = new KeepAliveServer();
    for (const [base, jitter] of [
      [1, 0],
      [255, 512],
      [7, 33],
    ]) {
      const f = only(
        ask(
          s,
          write([
            { attributeId: 0, dataType: UINT8, value: base },
            { attributeId: 1, dataType: UINT16, value: jitter },
          ]),
        ),
      );
      assert.equal(f.header.commandId, GlobalCommand.WRITE_ATTRIBUTES_RESPONSE);
      assert.deepEqual(decodeWriteAttributesResponse(f.payload), []);
      assert.deepEqual(s.params, { base, jitter });
    }
  });

  it("Write Attributes: out of range -> INVALID_VALUE, unknown -> UNSUPPORTED_ATTRIBUTE, wrong type -> INVALID_DATA_TYPE", () => {
    const s = new KeepAliveServer({ base: 3, jitter: 4 });
    const f = only(
      ask(
        s,
        write([
          { attributeId: 0, dataType: UINT8, value: 0 },
          { attributeId: 1, dataType: UINT16, value: 513 },
          { attributeId: 9, dataType: UINT8, value: 1 },
          { attributeId: 1, dataType: UINT8, value: 5 },
        ]),
      ),
    );
    assert.deepEqual(decodeWriteAttributesResponse(f.payload), [
      { status: 0x87, attributeId: 0 },
      { status: 0x87, attributeId: 1 },
      { status: 0x86, attributeId: 9 },
      { status: 0x8d, attributeId: 1 },
    ]);
    assert.deepEqual(s.params, { base: 3, jitter: 4 });
  });

  it("plain write applies the good records; undivided writes nothing when one fails; no-response answers nothing", () => {
    const s = new KeepAliveServer({ base: 3, jitter: 4 });
    const mixed = [
      { attributeId: 0, dataType: UINT8, value: 2 },
      { attributeId: 1, dataType: UINT16, value: 600 },
    ];
    only(ask(s, write(mixed, GlobalCommand.WRITE_ATTRIBUTES_UNDIVIDED)));
    assert.deepEqual(s.params, { base: 3, jitter: 4 });
    only(ask(s, write(mixed)));
    assert.deepEqual(s.params, { base: 2, jitter: 4 });
    assert.deepEqual(
      ask(
        s,
        write([{ attributeId: 1, dataType: UINT16, value: 9 }], GlobalCommand.WRITE_ATTRIBUTES_NO_RESPONSE),
      ),
      [],
    );
    assert.deepEqual(s.params, { base: 2, jitter: 9 });
  });

  it("drops requests that did not arrive APS-secured, other clusters and server-to-client frames", () => {
    const s = new KeepAliveServer();
    const read = request(GlobalCommand.READ_ATTRIBUTES, encodeReadAttributes([0, 1]));
    assert.deepEqual(ask(s, read, false), []);
    assert.deepEqual(ask(s, write([{ attributeId: 0, dataType: UINT8, value: 2 }]), false), []);
    assert.deepEqual(s.params, { base: 10, jitter: 300 });
    assert.deepEqual(s.handleFrame({ from: CLIENT, cluster: 0x0800, frame: read, apsSecured: true }, 0), []);
    assert.deepEqual(
      ask(
        s,
        request(GlobalCommand.READ_ATTRIBUTES, encodeReadAttributes([0]), { direction: "server-to-client" }),
      ),
      [],
    );
    assert.deepEqual(ask(s, Uint8Array.of(0x00)), [], "a frame too short for a header");
  });

  it("answers unsupported and malformed commands with a Default Response", () => {
    const s = new KeepAliveServer();
    const cases: [Uint8Array, number, number][] = [
      [request(0x00, new Uint8Array(0), { frameType: "cluster" }), 0x00, ZclStatus.UNSUP_CLUSTER_COMMAND],
      [request(0x0c, new Uint8Array(0)), 0x0c, ZclStatus.UNSUP_GENERAL_COMMAND],
      [
        request(0x00, Uint8Array.of(0, 0), { manufacturerCode: 0x1234 }),
        0x00,
        ZclStatus.UNSUP_MANUF_GENERAL_COMMAND,
      ],
      [request(GlobalCommand.READ_ATTRIBUTES, Uint8Array.of(0)), 0x00, ZclStatus.MALFORMED_COMMAND],
      [
        request(GlobalCommand.WRITE_ATTRIBUTES, Uint8Array.of(0, 0, UINT16, 1)),
        0x02,
        ZclStatus.MALFORMED_COMMAND,
      ],
    ];
    for (const [frame, commandId, status] of cases) {
      const f = only(ask(s, frame));
      assert.equal(f.header.commandId, GlobalCommand.DEFAULT_RESPONSE);
      assert.deepEqual(decodeDefaultResponse(f.payload), { commandId, status });
    }
  });
});

const ENCODE = `
import json, sys
import zigpy.zcl.foundation as f
out = []
for req in json.load(sys.stdin):
    cmd = f.GeneralCommand(req["cmd"])
    hdr = f.ZCLHeader.general(req["tsn"], cmd)
    schema = f.GENERAL_COMMANDS[cmd].schema
    if req["cmd"] == 0:
        body = schema(attribute_ids=req["ids"])
    else:
        attrs = [f.Attribute(attrid=r["id"], value=f.TypeValue(type=r["type"], value=f.DATA_TYPES[r["type"]][1](r["value"]))) for r in req["records"]]
        body = schema(attributes=attrs)
    out.append((hdr.serialize() + body.serialize()).hex())
print(json.dumps(out))
`;

const DECODE = `
import json, sys
import zigpy.zcl.foundation as f
out = []
for h in json.load(sys.stdin):
    hdr, rest = f.ZCLHeader.deserialize(bytes.fromhex(h))
    body, left = f.GENERAL_COMMANDS[hdr.command_id].schema.deserialize(rest)
    item = {"fc": int(hdr.frame_control.serialize()[0]), "tsn": int(hdr.tsn), "cmd": int(hdr.command_id), "left": left.hex()}
    if hdr.command_id == 1:
        item["records"] = [[int(r.attrid), int(r.status)] + ([int(r.value.type), int(r.value.value)] if r.status == 0 else []) for r in body.status_records]
    elif hdr.command_id == 4:
        item["records"] = [[int(r.status)] + ([int(r.attrid)] if r.status != 0 else []) for r in body.status_records]
    out.append(item)
print(json.dumps(out))
`;

describe("Keep-Alive server against zigpy (independent ZCL implementation)", {
  skip: !zigpyAvailable(),
}, () => {
  it("zigpy's requests get answers zigpy decodes to the expected records", () => {
    const requests = [
      { cmd: 0, tsn: 1, ids: [0, 1] },
      { cmd: 0, tsn: 2, ids: [1, 0x0005] },
      {
        cmd: 2,
        tsn: 3,
        records: [
          { id: 0, type: 0x20, value: 0 },
          { id: 1, type: 0x21, value: 512 },
        ],
      },
      { cmd: 2, tsn: 4, records: [{ id: 1, type: 0x21, value: 513 }] },
      { cmd: 0, tsn: 5, ids: [0, 1] },
    ];
    const frames = runZigpy<string[]>(ENCODE, requests);
    const s = new KeepAliveServer({ base: 1, jitter: 5 });
    const answers = frames.map((h) => {
      const out = ask(s, fromHex(h));
      assert.equal(out.length, 1);
      return toHex(out[0].frame);
    });
    const decoded = runZigpy<{ fc: number; tsn: number; cmd: number; left: string; records: number[][] }[]>(
      DECODE,
      answers,
    );
    for (const [i, d] of decoded.entries()) {
      assert.equal(d.fc, 0x18, "server-to-client, default response disabled");
      assert.equal(d.tsn, requests[i].tsn);
      assert.equal(d.left, "");
    }
    assert.deepEqual(
      decoded.map((d) => [d.cmd, d.records]),
      [
        [
          1,
          [
            [0, 0, 0x20, 1],
            [1, 0, 0x21, 5],
          ],
        ],
        [
          1,
          [
            [1, 0, 0x21, 5],
            [5, 0x86],
          ],
        ],
        [4, [[0x87, 0]]],
        [4, [[0x87, 1]]],
        [
          1,
          [
            [0, 0, 0x20, 1],
            [1, 0, 0x21, 512],
          ],
        ],
      ],
    );
  });

  it("the client's keep-alive read is a Read Attributes of Base and Jitter to zigpy", () => {
    const c = new KeepAliveClient({ tc: CLIENT, rng: new SeededRng(2) });
    c.start(0);
    c.handleTimer("keepalive", 3000);
    const send = c.discoveryResult(3000, [1]).find((a) => a.kind === "send");
    if (send?.kind !== "send") throw new Error("no read sent");
    const script = `
import json, sys
import zigpy.zcl.foundation as f
hdr, rest = f.ZCLHeader.deserialize(bytes.fromhex(json.load(sys.stdin)))
body, left = f.GENERAL_COMMANDS[hdr.command_id].schema.deserialize(rest)
print(json.dumps({"fc": int(hdr.frame_control.serialize()[0]), "cmd": int(hdr.command_id), "ids": [int(i) for i in body.attribute_ids], "left": left.hex()}))
`;
    const d = runZigpy<{ fc: number; cmd: number; ids: number[]; left: string }>(script, toHex(send.frame));
    assert.deepEqual(d, { fc: 0x00, cmd: 0, ids: [0, 1], left: "" });
  });
});
