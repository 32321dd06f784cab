/**
 * The fuzz targets shared by test/fuzz/decoders.test.ts (bounded fast-check properties) and
 * scripts/fuzz.ts (the long `npm run fuzz` loop): every decoder that reads bytes or text from
 * outside — install codes and their label forms (05-3474 / SE 07-5356 5.4.8.1), implicit
 * certificates (SE 07-5356 C.4.2.2.2 / SE 1.4 C.6), SEC 1 2.3.4 point decoding, ZCL 07-5123
 * 2.4 frames and the Key Establishment commands (SE C.3.1), the Keep-Alive server (SE 5.4.2.2.3),
 * IEEE 802.15.4 MAC, Zigbee NWK/APS/ZDO frames and APS commands (05-3474 2.2.5, 3.3.1, 4.4.10),
 * pcap files and the `zse cbke derive` input.
 *
 * The contract checked: any input gives a value or a ZseError, never another exception.
 * Each target has valid seeds; inputs are random data or mutations of a seed (bit flips,
 * byte overwrites, truncation, extension, insertion, deletion).
 */

import { parseDeriveInput } from "../../src/cli/commands/cbke.js";
import { sect163k1, sect283k1 } from "../../src/crypto/curves.js";
import { KeepAliveClient } from "../../src/engine/keepalive-client.js";
import { KeepAliveServer } from "../../src/engine/keepalive-server.js";
import {
  decodeApsCommand,
  decodeApsFrame,
  decodeDeviceAnnounce,
  decodeMacFrame,
  decodeMatchDescriptorRequest,
  decodeMatchDescriptorResponse,
  decodeNwkFrame,
  decodeOverTheAir,
  encodeApsCommand,
  encodeApsFrame,
  encodeDeviceAnnounce,
  encodeMacFrame,
  encodeMatchDescriptorRequest,
  encodeMatchDescriptorResponse,
  encodeNwkFrame,
  encodeOverTheAir,
  KeyId,
} from "../../src/net/frames/index.js";
import { PcapWriter, readPcap } from "../../src/net/pcap.js";
import { cbkeDerive } from "../../src/se/cbke.js";
import { decodeCertificate } from "../../src/se/certificate.js";
import { checkInstallCode, parseInstallCode } from "../../src/se/install-code.js";
import { fromHex } from "../../src/util/bytes.js";
import { ZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import {
  decodeDefaultResponse,
  decodeKeFrame,
  decodeReadAttributes,
  decodeReadAttributesResponse,
  decodeWriteAttributes,
  decodeWriteAttributesResponse,
  decodeZclFrame,
  encodeDefaultResponse,
  encodeKeFrame,
  encodeReadAttributes,
  encodeReadAttributesResponse,
  encodeWriteAttributes,
  encodeZclFrame,
  ZclDataType,
} from "../../src/zcl/index.js";
import fc from "../support/fast-check.js";
import { loadVectors } from "../support/vectors.js";

/** One decoder under fuzz: its seeds and how to feed it one input. */
export type FuzzTarget = (
  | { kind: "bytes"; seeds: Uint8Array[]; run: (input: Uint8Array) => unknown }
  | { kind: "text"; seeds: string[]; run: (input: string) => unknown }
  | { kind: "json"; seeds: unknown[]; run: (input: unknown) => unknown }
) & {
  name: string;
  /** The target answers bad input with a value (e.g. a ZCL status), never a thrown ZseError. */
  rejectsByValue?: true;
};

interface Side {
  ieee: string;
  certificate: string;
  static_private_key: string;
  ephemeral_private_key: string;
  ephemeral_public_key: string;
}
interface AnnexC {
  ca_public_key: string;
  initiator_u: Side;
  responder_v: Side;
}

const suite1 = loadVectors<AnnexC>("cbke_suite1_annex_c.json");
const suite2 = loadVectors<AnnexC>("cbke_suite2_annex_c.json");
const installVectors = loadVectors<{ vectors: { code: string; crc_bytes: string }[] }>("install_codes.json");

const EUI_A = fromHex("0011223344556677");
const EUI_B = fromHex("8899aabbccddeeff");
const KEY = fromHex("5a6967426565416c6c69616e63653039");
const LINK = fromHex("66b6900981e1ee3ca4206b6b861c02bb");

function deriveDoc(v: AnnexC, suite: 1 | 2): unknown {
  return {
    suite,
    role: "initiator",
    caPublicKey: v.ca_public_key,
    local: {
      eui64: v.initiator_u.ieee,
      certificate: v.initiator_u.certificate,
      privateKey: v.initiator_u.static_private_key,
      ephemeralPrivateKey: v.initiator_u.ephemeral_private_key,
    },
    remote: {
      eui64: v.responder_v.ieee,
      certificate: v.responder_v.certificate,
      ephemeralPublicKey: v.responder_v.ephemeral_public_key,
    },
  };
}

const nwkHeader = {
  frameType: "data" as const,
  destination: 0x0000,
  source: 0x1a2b,
  radius: 30,
  sequence: 7,
};

function apsDataSeed(secured: boolean): Uint8Array {
  return encodeApsFrame(
    {
      type: "data",
      counter: 3,
      dstEndpoint: 240,
      clusterId: 0x0800,
      profileId: 0x0109,
      srcEndpoint: 240,
      payload: fromHex("1901000100"),
    },
    secured ? { security: { key: LINK, frameCounter: 9, source: EUI_A } } : {},
  );
}

const transportKey = encodeApsFrame(
  {
    type: "command",
    counter: 1,
    command: {
      command: "transportKey",
      keyType: "network",
      key: KEY,
      keySequence: 0,
      destination: EUI_A,
      source: EUI_B,
    },
  },
  { security: { key: LINK, keyId: KeyId.keyTransport, frameCounter: 1, source: EUI_B } },
);

const overTheAir = encodeOverTheAir({
  mac: { sequence: 1, panId: 0x1234, destination: 0, source: 0x1a2b, ackRequest: true },
  nwk: nwkHeader,
  nwkSecurity: { networkKey: KEY, frameCounter: 100, source: EUI_A, keySequence: 0 },
  aps: {
    type: "data",
    counter: 4,
    dstEndpoint: 240,
    clusterId: 0x0025,
    profileId: 0x0109,
    srcEndpoint: 240,
    payload: fromHex("100100000001"),
  },
  apsSecurity: { key: LINK, frameCounter: 5, source: EUI_A },
});

function pcapSeed(): Uint8Array {
  const w = new PcapWriter();
  w.add({ timeUs: 1_000_000, data: overTheAir });
  w.add({ timeUs: 2_500_000, data: fromHex("41883412ffff00000912") });
  return w.toBytes();
}

const keReq = encodeKeFrame({
  seq: 1,
  direction: "client-to-server",
  message: {
    command: "initiate",
    suite: 1,
    ephemeralDataGenerateTime: 3,
    confirmKeyGenerateTime: 6,
    certificate: fromHex(suite1.initiator_u.certificate),
  },
});

const keepAliveServer = new KeepAliveServer();

/** Every target. */
export function fuzzTargets(): FuzzTarget[] {
  const certs = [suite1.initiator_u, suite1.responder_v, suite2.initiator_u, suite2.responder_v].map((s) =>
    fromHex(s.certificate),
  );
  const points1 = [suite1.initiator_u.ephemeral_public_key, suite1.responder_v.ephemeral_public_key].map(
    (h) => fromHex(h),
  );
  const points2 = [suite2.initiator_u.ephemeral_public_key, suite2.responder_v.ephemeral_public_key].map(
    (h) => fromHex(h),
  );
  const codes = installVectors.vectors.map((v) => v.code + v.crc_bytes);
  return [
    {
      name: "install code (text, label forms)",
      kind: "text",
      seeds: [
        ...codes,
        `Z:0011223344556677$I:${codes[0]}`,
        `HUE:Z:${codes[0]} M:0011223344556677`,
        `00:11:22:33:44:55:66:77|${codes[0]}`,
        codes[0].slice(0, -4),
      ],
      run: (t) => parseInstallCode(t, { fixCrc: t.length % 2 === 0 }),
    },
    {
      name: "install code (bytes)",
      kind: "bytes",
      seeds: codes.map((c) => fromHex(c)),
      run: (b) => checkInstallCode(b),
    },
    { name: "certificate", kind: "bytes", seeds: certs, run: (b) => decodeCertificate(b) },
    {
      name: "point sect163k1",
      kind: "bytes",
      seeds: [...points1, new Uint8Array([0])],
      run: (b) => sect163k1.decodePoint(b, { allowInfinity: (b.length & 1) === 1 }),
    },
    {
      name: "point sect283k1",
      kind: "bytes",
      seeds: [...points2, new Uint8Array([0])],
      run: (b) => sect283k1.decodePoint(b, { allowInfinity: (b.length & 1) === 1 }),
    },
    {
      name: "ZCL frame",
      kind: "bytes",
      seeds: [
        encodeZclFrame(
          {
            frameType: "global",
            direction: "client-to-server",
            disableDefaultResponse: false,
            seq: 1,
            commandId: 0,
          },
          encodeReadAttributes([0, 1]),
        ),
        fromHex("0501100a000000"),
      ],
      run: (b) => decodeZclFrame(b),
    },
    {
      name: "ZCL foundation payloads",
      kind: "bytes",
      seeds: [
        encodeReadAttributes([0, 1]),
        encodeReadAttributesResponse([
          { attributeId: 0, status: 0, dataType: ZclDataType.UINT8, value: 10 },
          { attributeId: 1, status: 0, dataType: ZclDataType.UINT16, value: 300 },
          { attributeId: 2, status: 0x86 },
        ]),
        encodeWriteAttributes([{ attributeId: 0, dataType: ZclDataType.UINT8, value: 5 }]),
        encodeDefaultResponse({ commandId: 0, status: 0x81 }),
      ],
      run: (b) => [
        tryZse(() => decodeReadAttributes(b)),
        tryZse(() => decodeReadAttributesResponse(b)),
        tryZse(() => decodeWriteAttributes(b)),
        tryZse(() => decodeWriteAttributesResponse(b)),
        tryZse(() => decodeDefaultResponse(b)),
      ],
    },
    {
      name: "KE frame (suite 1/2/unknown)",
      kind: "bytes",
      seeds: [
        keReq,
        encodeKeFrame({
          seq: 2,
          direction: "server-to-client",
          message: { command: "ephemeral", publicKey: points2[0] },
        }),
        encodeKeFrame({
          seq: 3,
          direction: "client-to-server",
          message: { command: "terminate", status: 1, waitTime: 10, suites: 3 },
        }),
        fromHex("090302000102030405060708090a0b0c0d0e0f"),
      ],
      run: (b) => [
        tryZse(() => decodeKeFrame(b)),
        tryZse(() => decodeKeFrame(b, 1)),
        tryZse(() => decodeKeFrame(b, 2)),
      ],
    },
    {
      name: "Keep-Alive server frame",
      kind: "bytes",
      rejectsByValue: true,
      seeds: [
        encodeZclFrame(
          {
            frameType: "global",
            direction: "client-to-server",
            disableDefaultResponse: false,
            seq: 1,
            commandId: 0,
          },
          encodeReadAttributes([0, 1, 2]),
        ),
        encodeZclFrame(
          {
            frameType: "global",
            direction: "client-to-server",
            disableDefaultResponse: false,
            seq: 2,
            commandId: 2,
          },
          encodeWriteAttributes([{ attributeId: 1, dataType: ZclDataType.UINT16, value: 100 }]),
        ),
      ],
      run: (b) =>
        keepAliveServer.handleFrame(
          { from: "0011223344556677", cluster: 0x0025, endpoint: 1, frame: b, apsSecured: true },
          0,
        ),
    },
    {
      name: "Keep-Alive client frame",
      kind: "bytes",
      rejectsByValue: true,
      seeds: [
        encodeZclFrame(
          {
            frameType: "global",
            direction: "server-to-client",
            disableDefaultResponse: true,
            seq: 0,
            commandId: 1,
          },
          encodeReadAttributesResponse([
            { attributeId: 0, status: 0, dataType: ZclDataType.UINT8, value: 10 },
            { attributeId: 1, status: 0, dataType: ZclDataType.UINT16, value: 300 },
          ]),
        ),
        encodeZclFrame(
          {
            frameType: "global",
            direction: "server-to-client",
            disableDefaultResponse: true,
            seq: 0,
            commandId: 11,
          },
          encodeDefaultResponse({ commandId: 0, status: 0x86 }),
        ),
      ],
      run: (b) => {
        // a client waiting for the answer to its Read Attributes of Base and Jitter
        const client = new KeepAliveClient({ tc: "00124b000000ff01", rng: new SeededRng(1) });
        client.start(0);
        client.handleTimer("keepalive", 3000);
        client.discoveryResult(3000, [240]);
        return client.handleFrame(
          { from: "00124b000000ff01", endpoint: 240, cluster: 0x0025, frame: b, apsSecured: true },
          3100,
        );
      },
    },
    {
      name: "MAC frame",
      kind: "bytes",
      seeds: [
        overTheAir,
        encodeMacFrame({
          frameType: 1,
          sequence: 9,
          panId: 0xabcd,
          destination: EUI_A,
          source: EUI_B,
          sourcePanId: 0x1111,
          ackRequest: false,
          version: 1,
          payload: fromHex("0102"),
        }),
      ],
      run: (b) => [tryZse(() => decodeMacFrame(b)), tryZse(() => decodeMacFrame(b, { fcs: false }))],
    },
    {
      name: "NWK frame",
      kind: "bytes",
      seeds: [
        encodeNwkFrame(
          {
            header: { ...nwkHeader, sourceEui64: EUI_A, sourceRoute: { relayIndex: 0, relays: [1, 2] } },
            payload: apsDataSeed(false),
          },
          { security: { networkKey: KEY, frameCounter: 77, source: EUI_A, keySequence: 1 } },
        ),
        encodeNwkFrame({ header: { ...nwkHeader, frameType: "command" }, payload: fromHex("0401") }),
      ],
      run: (b) => decodeNwkFrame(b, { networkKeys: () => [KEY, LINK] }),
    },
    {
      name: "APS frame",
      kind: "bytes",
      seeds: [apsDataSeed(false), apsDataSeed(true), transportKey],
      run: (b) => decodeApsFrame(b, { linkKeys: () => [LINK, KEY], source: EUI_A }),
    },
    {
      name: "APS command",
      kind: "bytes",
      seeds: [
        encodeApsCommand({ command: "updateDevice", device: EUI_A, shortAddress: 0x1234, status: 1 }),
        encodeApsCommand({ command: "requestKey", keyType: "applicationLink", partner: EUI_B }),
        encodeApsCommand({
          command: "transportKey",
          keyType: "applicationLink",
          key: LINK,
          partner: EUI_A,
          initiator: true,
        }),
        encodeApsCommand({ command: "switchKey", keySequence: 2 }),
      ],
      run: (b) => decodeApsCommand(b),
    },
    {
      name: "ZDO",
      kind: "bytes",
      seeds: [
        encodeMatchDescriptorRequest({
          sequence: 1,
          nwkAddrOfInterest: 0xfffd,
          profileId: 0x0109,
          inClusters: [0x0800],
          outClusters: [],
        }),
        encodeMatchDescriptorResponse({ sequence: 1, status: 0, nwkAddrOfInterest: 0, matchList: [1, 240] }),
        encodeDeviceAnnounce({ sequence: 2, nwkAddress: 0x1a2b, eui64: EUI_A, capability: 0x8e }),
      ],
      run: (b) => [
        tryZse(() => decodeMatchDescriptorRequest(b)),
        tryZse(() => decodeMatchDescriptorResponse(b)),
        tryZse(() => decodeDeviceAnnounce(b)),
      ],
    },
    {
      name: "over the air (MAC+NWK+APS)",
      kind: "bytes",
      seeds: [overTheAir],
      run: (b) =>
        decodeOverTheAir(b, { networkKeys: () => [KEY], linkKeys: () => [LINK], eui64Of: () => EUI_A }),
    },
    { name: "pcap", kind: "bytes", seeds: [pcapSeed()], run: (b) => readPcap(b) },
    {
      name: "cbke derive input",
      kind: "json",
      seeds: [deriveDoc(suite1, 1), deriveDoc(suite2, 2)],
      run: (doc) => cbkeDerive(parseDeriveInput(doc)),
    },
  ];
}

let rejections = 0;
let acceptances = 0;

/** Runs `f`; a ZseError is an accepted outcome (counted as a rejection). */
function tryZse(f: () => unknown): unknown {
  try {
    const v = f();
    acceptances++;
    return v;
  } catch (e) {
    if (e instanceof ZseError) {
      rejections++;
      return e.code;
    }
    throw e;
  }
}

/** The outcome of one input: "value", "zse" (a typed error), or the crash itself. */
export type Outcome = { kind: "value" } | { kind: "zse"; code: string } | { kind: "crash"; error: unknown };

export function runOne(target: FuzzTarget, input: unknown): Outcome {
  const rejected = rejections;
  const accepted = acceptances;
  try {
    (target.run as (i: unknown) => unknown)(input);
    // A target running several decoders on one input gives a value when any of them accepts it.
    const allRejected = rejections > rejected && acceptances === accepted;
    return allRejected ? { kind: "zse", code: "BAD_FRAME" } : { kind: "value" };
  } catch (e) {
    if (e instanceof ZseError) return { kind: "zse", code: e.code };
    return { kind: "crash", error: e };
  }
}

// ---- input arbitraries: random data and mutations of seeds ----

type Mutation = (b: Uint8Array) => Uint8Array;

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((i) => (b: Uint8Array) => {
    if (b.length === 0) return b;
    const c = Uint8Array.from(b);
    const bit = i % (b.length * 8);
    c[bit >> 3] ^= 1 << (bit & 7);
    return c;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: Uint8Array) => {
    if (b.length === 0) return b;
    const c = Uint8Array.from(b);
    c[i % b.length] = v;
    return c;
  }),
  fc.nat().map((n) => (b: Uint8Array) => b.slice(0, b.length === 0 ? 0 : n % b.length)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((extra) => (b: Uint8Array) => {
    const c = new Uint8Array(b.length + extra.length);
    c.set(b);
    c.set(extra, b.length);
    return c;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, ins]) => (b: Uint8Array) => {
    const at = b.length === 0 ? 0 : i % (b.length + 1);
    const c = new Uint8Array(b.length + ins.length);
    c.set(b.subarray(0, at));
    c.set(ins, at);
    c.set(b.subarray(at), at + ins.length);
    return c;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([i, n]) => (b: Uint8Array) => {
    if (b.length === 0) return b;
    const at = i % b.length;
    const c = new Uint8Array(Math.max(0, b.length - Math.min(n, b.length - at)));
    c.set(b.subarray(0, at));
    c.set(b.subarray(at + n), at);
    return c;
  }),
);

function mutated(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => ms.reduce((b, m) => m(b), seed));
}

const textChars = fc.constantFrom(
  ..."0123456789abcdefABCDEF:- |$%ZIHUEM\t\n0x".split(""),
  "Z:",
  "$I:",
  "HUE:Z:",
  " M:",
  "\u00e9",
  "\u0000",
);

function textArb(seeds: string[]): fc.Arbitrary<string> {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return fc.oneof(
    fc.array(textChars, { maxLength: 80 }).map((a) => a.join("")),
    fc.string({ maxLength: 60 }),
    mutated(seeds.map((s) => enc.encode(s))).map((b) => dec.decode(b)),
    fc
      .tuple(fc.constantFrom(...seeds), fc.nat(), fc.array(textChars, { maxLength: 4 }))
      .map(([s, i, ins]) => {
        const at = i % (s.length + 1);
        return s.slice(0, at) + ins.join("") + s.slice(at);
      }),
  );
}

function mutateJson(doc: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return doc;
  const o = { ...(doc as Record<string, unknown>) };
  const [head, ...rest] = path;
  if (rest.length === 0 && replacement === undefined) delete o[head];
  else o[head] = mutateJson(o[head], rest, replacement);
  return o;
}

function jsonArb(seeds: unknown[]): fc.Arbitrary<unknown> {
  const paths = [
    ["suite"],
    ["role"],
    ["caPublicKey"],
    ["local"],
    ["local", "eui64"],
    ["local", "certificate"],
    ["local", "privateKey"],
    ["local", "ephemeralPrivateKey"],
    ["local", "ephemeralPublicKey"],
    ["remote", "eui64"],
    ["remote", "certificate"],
    ["remote", "ephemeralPublicKey"],
  ];
  const hexOf = (seed: unknown, path: string[]): string => {
    let v: unknown = seed;
    for (const p of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
    return typeof v === "string" ? v : "00";
  };
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc
      .tuple(fc.constantFrom(...seeds), fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }))
      .map(([s, p, v]) => mutateJson(s, p, v)),
    fc
      .tuple(fc.constantFrom(...seeds), fc.constantFrom(...paths))
      .map(([s, p]) => mutateJson(s, p, undefined)),
    fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.constantFrom(...paths.filter((p) => p.length === 2 || p[0] === "caPublicKey")),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      )
      .chain(([s, p, ms]) => {
        const bytes = (() => {
          try {
            return fromHex(hexOf(s, p));
          } catch {
            return new Uint8Array(0);
          }
        })();
        const b = ms.reduce((acc, m) => m(acc), bytes);
        let hex = "";
        for (const x of b) hex += x.toString(16).padStart(2, "0");
        return fc.constant(mutateJson(s, p, hex));
      }),
  );
}

/** The input arbitrary of a target: random inputs and mutated seeds. */
export function inputArb(target: FuzzTarget): fc.Arbitrary<unknown> {
  switch (target.kind) {
    case "bytes":
      return fc.oneof(
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 160 }) },
        { weight: 4, arbitrary: mutated(target.seeds) },
      );
    case "text":
      return textArb(target.seeds);
    case "json":
      return jsonArb(target.seeds);
  }
}
