/**
 * A whole Zigbee frame as it goes over the air: IEEE 802.15.4 MAC data frame carrying a NWK
 * frame (05-3474 3.3, NWK security 4.3.1) carrying an APS frame (2.2.5, APS security 4.4.1)
 * carrying a ZCL or ZDO payload. Composes the per-layer codecs; frame counters come from the
 * caller.
 */
import { ZseError } from "../../util/errors.js";
import {
  type ApsDecodeResult,
  type ApsFrame,
  type ApsSecurity,
  decodeApsFrame,
  type LinkKeyLookup,
  writeApsFrame,
} from "./aps.js";
import { FrameWriter } from "./cursor.js";
import { decodeMacFrame, type MacFrame, writeFcs, writeMacHeader } from "./mac.js";
import {
  decodeNwkFrame,
  type NetworkKeyLookup,
  type NwkDecodeResult,
  type NwkHeader,
  type NwkSecurity,
  writeNwkFrame,
} from "./nwk.js";

export interface OverTheAirFrame {
  /** MAC fields; the payload is built from the layers above. */
  mac: Omit<MacFrame, "payload" | "frameType">;
  nwk: NwkHeader;
  nwkSecurity?: NwkSecurity;
  /** The APS frame of a NWK data frame. */
  aps?: ApsFrame;
  apsSecurity?: ApsSecurity;
  /** The payload of a NWK command frame (command id + fields), instead of `aps`. */
  nwkPayload?: Uint8Array;
}

/**
 * Encodes MAC(NWK(APS(payload))) with the security asked for; `fcs` appends the MAC FCS. The
 * layers are written one after the other into one buffer, each secured in place.
 */
export function encodeOverTheAir(frame: OverTheAirFrame, options: { fcs?: boolean } = {}): Uint8Array {
  const data = frame.nwk.frameType === "data";
  const aps = frame.aps;
  const nwkPayload = frame.nwkPayload;
  if (data && !aps) throw new ZseError("BAD_VALUE", "over-the-air aps: a NWK data frame needs an APS frame");
  if (!data && !nwkPayload)
    throw new ZseError("BAD_VALUE", "over-the-air nwkPayload: a NWK command frame needs it");
  const m = frame.mac;
  const w = new FrameWriter("MAC");
  // an explicit literal: V8 (Node 20) makes `{ ...x, more }` cost microseconds per call
  writeMacHeader(w, {
    frameType: 1,
    sequence: m.sequence,
    panId: m.panId,
    destination: m.destination,
    source: m.source,
    sourcePanId: m.sourcePanId,
    ackRequest: m.ackRequest,
    framePending: m.framePending,
    version: m.version,
  });
  writeNwkFrame(w, frame.nwk, frame.nwkSecurity, (x) => {
    if (data && aps) writeApsFrame(x, aps, frame.apsSecurity);
    else if (nwkPayload) {
      x.layer = "NWK";
      x.bytes(nwkPayload, "payload");
    }
  });
  if (options.fcs) writeFcs(w);
  return w.finish();
}

export interface OverTheAirDecoded {
  mac: MacFrame;
  nwk: NwkDecodeResult;
  /** Present when the NWK frame is a data frame that could be read. */
  aps?: ApsDecodeResult;
}

export interface OverTheAirDecodeOptions {
  fcs?: boolean;
  networkKeys?: NetworkKeyLookup;
  linkKeys?: LinkKeyLookup;
  /** EUI-64 of a NWK short address, for APS frames secured without the extended nonce. */
  eui64Of?: (shortAddress: number) => Uint8Array | undefined;
}

/**
 * Decodes every layer it can. The APS nonce source, when the APS aux header has none, is the
 * NWK source's EUI-64: from `eui64Of`, else the NWK header's source IEEE address, else the NWK
 * auxiliary header's source (the device that secured the NWK frame).
 */
export function decodeOverTheAir(
  bytes: Uint8Array,
  options: OverTheAirDecodeOptions = {},
): OverTheAirDecoded {
  // the NWK decoder copies what it keeps: the MAC payload is read in place
  const mac = decodeMacFrame(bytes, { fcs: options.fcs, payloadView: true });
  if (mac.frameType !== 1) {
    throw new ZseError(
      "BAD_FRAME",
      `MAC frame type: ${mac.frameType} is a MAC command, not a NWK frame (see mac-command.ts)`,
    );
  }
  const nwk = decodeNwkFrame(mac.payload, options.networkKeys ? { networkKeys: options.networkKeys } : {});
  if (!nwk.ok || nwk.frame.header.frameType !== "data") return { mac, nwk };
  const h = nwk.frame.header;
  const source = options.eui64Of?.(h.source) ?? h.sourceEui64 ?? nwk.security?.aux.source;
  // built field by field: a literal opening with a spread costs V8 (Node 20) a microsecond
  const apsOptions: { linkKeys?: LinkKeyLookup; source?: Uint8Array } = {};
  if (options.linkKeys) apsOptions.linkKeys = options.linkKeys;
  if (source) apsOptions.source = source;
  const aps = decodeApsFrame(nwk.frame.payload, apsOptions);
  return { mac, nwk, aps };
}
