/**
 * The simulator's one door to frame bytes: builds and reads whole over-the-air frames
 * (IEEE 802.15.4 MAC + Zigbee NWK with NWK security under the network key, 05-3474 4.3.1,
 * + APS with APS security, 4.4.1) through the `net` codecs (src/net/frames/), and converts
 * between the Transport's APS commands (hex EUI-64s) and the codec's (bytes).
 */
import type { Eui64Hex } from "../../engine/types.js";
import { fromHex, toHex } from "../../util/bytes.js";
import type { ApsFrame, ApsSecurity } from "../frames/aps.js";
import type { ApsCommand as WireCommand } from "../frames/aps-commands.js";
import {
  decodeOverTheAir,
  encodeOverTheAir,
  type OverTheAirDecoded,
  type OverTheAirDecodeOptions,
} from "../frames/over-the-air.js";
import type { ApsCommand } from "../transport.js";

export const SIM_PAN_ID = 0x1a62;

/**
 * EUI-64 bytes of a hex EUI-64, cached: every frame carries two, and the same few thousand
 * addresses recur. The arrays are shared: only the frame encoder (which only reads
 * them) gets them.
 */
const euiBytes = new Map<Eui64Hex, Uint8Array>();
const EUI_CACHE_LIMIT = 1 << 16;
function b(e: Eui64Hex): Uint8Array {
  let v = euiBytes.get(e);
  if (!v) {
    v = fromHex(e);
    if (euiBytes.size >= EUI_CACHE_LIMIT) euiBytes.clear();
    euiBytes.set(e, v);
  }
  return v;
}

export function toWireCommand(c: ApsCommand): WireCommand {
  if (c.kind === "request-key") {
    return c.keyType === "app-link"
      ? { command: "requestKey", keyType: "applicationLink", partner: fromHex(c.partner) }
      : { command: "requestKey", keyType: "trustCenterLink" };
  }
  if (c.keyType === "network") {
    return {
      command: "transportKey",
      keyType: "network",
      key: c.key,
      keySequence: c.sequence,
      destination: fromHex(c.destination),
      source: fromHex(c.source),
    };
  }
  if (c.keyType === "tc-link") {
    return {
      command: "transportKey",
      keyType: "trustCenterLink",
      key: c.key,
      destination: fromHex(c.destination),
      source: fromHex(c.source),
    };
  }
  return {
    command: "transportKey",
    keyType: "applicationLink",
    key: c.key,
    partner: fromHex(c.partner),
    initiator: c.initiator,
  };
}

/** The Transport's view of a decoded command; undefined for commands the nodes do not handle. */
export function fromWireCommand(c: WireCommand): ApsCommand | undefined {
  if (c.command === "requestKey") {
    return c.keyType === "applicationLink"
      ? { kind: "request-key", keyType: "app-link", partner: toHex(c.partner) }
      : { kind: "request-key", keyType: "tc-link" };
  }
  if (c.command !== "transportKey") return undefined;
  if (c.keyType === "network") {
    return {
      kind: "transport-key",
      keyType: "network",
      key: c.key,
      sequence: c.keySequence,
      destination: toHex(c.destination),
      source: toHex(c.source),
    };
  }
  if (c.keyType === "trustCenterLink") {
    return {
      kind: "transport-key",
      keyType: "tc-link",
      key: c.key,
      destination: toHex(c.destination),
      source: toHex(c.source),
    };
  }
  return {
    kind: "transport-key",
    keyType: "app-link",
    key: c.key,
    partner: toHex(c.partner),
    initiator: c.initiator,
  };
}

export interface AirAddressing {
  src: Eui64Hex;
  srcShort: number;
  dst: Eui64Hex;
  dstShort: number;
  macSequence: number;
  nwkSequence: number;
}

/** MAC(NWK(APS)) with the FCS; NWK-secured when `nwk` is given, APS-secured when `aps` is. */
export function encodeAir(options: {
  addressing: AirAddressing;
  frame: ApsFrame;
  aps?: ApsSecurity;
  nwk?: { networkKey: Uint8Array; frameCounter: number; keySequence: number };
}): Uint8Array {
  const a = options.addressing;
  return encodeOverTheAir(
    {
      mac: {
        sequence: a.macSequence,
        panId: SIM_PAN_ID,
        destination: a.dstShort,
        source: a.srcShort,
        ackRequest: true,
      },
      nwk: {
        frameType: "data",
        destination: a.dstShort,
        source: a.srcShort,
        radius: 30,
        sequence: a.nwkSequence,
        destinationEui64: b(a.dst),
        sourceEui64: b(a.src),
      },
      // one shape whichever layers are secured (undefined where one is not): a conditional
      // spread here made a differently shaped object per combination for the codecs to read
      nwkSecurity: options.nwk
        ? {
            networkKey: options.nwk.networkKey,
            frameCounter: options.nwk.frameCounter,
            keySequence: options.nwk.keySequence,
            source: b(a.src),
          }
        : undefined,
      aps: options.frame,
      apsSecurity: options.aps,
    },
    { fcs: true },
  );
}

/** The keys a node decodes with; read at every frame. */
export interface AirKeys {
  networkKey: Uint8Array | undefined;
  linkKeysOf: (source: Eui64Hex) => Uint8Array[];
}

/** Decode options over a node's `keys`, made once per node and used for every frame. */
export function airDecodeOptions(keys: AirKeys): OverTheAirDecodeOptions {
  let lastKey: Uint8Array | undefined;
  let lastList: readonly Uint8Array[] = [];
  return {
    fcs: true,
    networkKeys: () => {
      if (keys.networkKey !== lastKey) {
        lastKey = keys.networkKey;
        lastList = lastKey ? [lastKey] : [];
      }
      return lastList;
    },
    linkKeys: ({ source }) => (source ? keys.linkKeysOf(toHex(source)) : []),
  };
}

/** Decodes every layer it can (BAD_FRAME thrown on malformed bytes or a wrong FCS). */
export function decodeAir(bytes: Uint8Array, keys: AirKeys | OverTheAirDecodeOptions): OverTheAirDecoded {
  return decodeOverTheAir(bytes, "linkKeysOf" in keys ? airDecodeOptions(keys) : keys);
}
