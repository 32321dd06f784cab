/**
 * Reads a pcap of Zigbee traffic the way Wireshark does: every frame through the over-the-air
 * codecs (IEEE 802.15.4, NWK 05-3474 3.3 with NWK security 4.3.1, APS 2.2.5 with APS security
 * 4.4.1), trying every key it was given, learning network and link keys from decrypted Transport
 * Key commands (4.4.10.1) and EUI-64s from NWK auxiliary headers, NWK IEEE fields and
 * Device_annce (2.4.3.1.11), so later frames decrypt too. What could not be read is reported
 * with the reason, never thrown.
 */
import { fromHex, toHex } from "../util/bytes.js";
import { isZseError, ZseError } from "../util/errors.js";
import type { ApsFrame } from "./frames/aps.js";
import { decodeMacFrame, type MacAddress } from "./frames/mac.js";
import { decodeMacCommand, type MacCommand } from "./frames/mac-command.js";
import { decodeOverTheAir } from "./frames/over-the-air.js";
import type { SecurityInfo, UndecryptedReason } from "./frames/security.js";
import { decodeDeviceAnnounce, ZDO_PROFILE, ZdoCluster } from "./frames/zdo.js";
import type { WiresharkKey } from "./keys-file.js";
import { LINKTYPE_IEEE802_15_4_NOFCS, LINKTYPE_IEEE802_15_4_WITHFCS, type PcapFile } from "./pcap.js";

export interface LabelledKey {
  key: Uint8Array;
  label: string;
}

/** One frame as read. Addresses are EUI-64 hex when known, else "0x" + the NWK short address. */
export interface CaptureFrame {
  /** 1-based, as Wireshark numbers frames. */
  number: number;
  timeUs: number;
  /** Filled in once the whole capture is read, so every frame names devices the same way. */
  from?: string;
  to?: string;
  fromShort?: number;
  toShort?: number;
  /** A MAC command frame (association, data request, beacon request) instead of a NWK frame. */
  macCommand?: MacCommand;
  nwkSecured?: boolean;
  nwkKey?: string;
  aps?: ApsFrame;
  apsKey?: string;
  /** Set when a layer could not be decrypted. */
  undecrypted?: { layer: "nwk" | "aps"; reason: UndecryptedReason; source?: string };
  /** Set when the bytes are malformed (the ZseError message). */
  malformed?: string;
}

export interface LearnedKey {
  frame: number;
  keyType: "network" | "trustCenterLink" | "applicationLink";
  key: Uint8Array;
  label: string;
}

/** Decodes every frame of a capture with the keys given and the keys learned on the way. */
export function decodeCapture(
  file: PcapFile,
  keys: readonly WiresharkKey[],
): { frames: CaptureFrame[]; learned: LearnedKey[] } {
  let fcs: boolean;
  if (file.linkType === LINKTYPE_IEEE802_15_4_WITHFCS) fcs = true;
  else if (file.linkType === LINKTYPE_IEEE802_15_4_NOFCS) fcs = false;
  else {
    throw new ZseError("BAD_FORMAT", `pcap link type: ${file.linkType}, expected 195 or 230 (IEEE 802.15.4)`);
  }
  const known: LabelledKey[] = keys.map((k) => ({ key: k.key, label: k.label }));
  const learned: LearnedKey[] = [];
  const eui = new Map<number, string>();
  const labelOf = (info: SecurityInfo | undefined, candidates: LabelledKey[]) =>
    info ? candidates[info.keyIndex]?.label : undefined;
  const addr = (short: number) => eui.get(short) ?? `0x${short.toString(16).padStart(4, "0")}`;
  const frames: CaptureFrame[] = [];
  file.packets.forEach((p, i) => {
    const f: CaptureFrame = { number: i + 1, timeUs: p.timeUs };
    frames.push(f);
    const candidates = known.slice();
    try {
      const mac = decodeMacFrame(p.data, { fcs });
      if (mac.frameType !== 1) {
        macCommandFrame(f, mac.source, mac.destination, decodeMacCommand(mac.payload));
        return;
      }
      const d = decodeOverTheAir(p.data, {
        fcs,
        networkKeys: () => candidates.map((c) => c.key),
        linkKeys: () => candidates.map((c) => c.key),
        eui64Of: (short) => {
          const h = eui.get(short);
          return h ? fromHex(h) : undefined;
        },
      });
      const header = d.nwk.ok ? d.nwk.frame.header : d.nwk.header;
      const aux = d.nwk.ok ? d.nwk.security?.aux : d.nwk.aux;
      if (aux?.source) eui.set(header.source, toHex(aux.source));
      if (header.sourceEui64) eui.set(header.source, toHex(header.sourceEui64));
      if (header.destinationEui64) eui.set(header.destination, toHex(header.destinationEui64));
      f.nwkSecured = aux !== undefined;
      if (!d.nwk.ok) {
        f.undecrypted = { layer: "nwk", reason: d.nwk.reason };
        if (aux?.source) f.undecrypted.source = toHex(aux.source);
      } else {
        const label = labelOf(d.nwk.security, candidates);
        if (label) f.nwkKey = label;
      }
      f.fromShort = header.source;
      f.toShort = header.destination;
      if (!d.aps) return;
      if (!d.aps.ok) {
        f.undecrypted = { layer: "aps", reason: d.aps.reason };
        if (d.aps.aux.source) f.undecrypted.source = toHex(d.aps.aux.source);
        return;
      }
      f.aps = d.aps.frame;
      const label = labelOf(d.aps.security, candidates);
      if (label) f.apsKey = label;
      learn(f, d.aps.frame);
    } catch (e) {
      if (!isZseError(e)) throw e;
      f.malformed = e.message;
    }
  });
  for (const f of frames) {
    if (f.fromShort !== undefined) f.from = addr(f.fromShort);
    if (f.toShort !== undefined) f.to = addr(f.toShort);
  }
  return { frames, learned };

  function macCommandFrame(
    f: CaptureFrame,
    src: MacAddress | undefined,
    dst: MacAddress | undefined,
    c: MacCommand,
  ): void {
    f.macCommand = c;
    if (src instanceof Uint8Array) f.from = toHex(src);
    else if (src !== undefined) f.fromShort = src;
    if (dst instanceof Uint8Array) f.to = toHex(dst);
    else if (dst !== undefined) f.toShort = dst;
    // 802.15.4-2006 7.3.2: the response tells the device (destination) its short address.
    if (c.command === "associationResponse" && dst instanceof Uint8Array && c.status === 0)
      eui.set(c.shortAddress, toHex(dst));
  }

  function learn(f: CaptureFrame, aps: ApsFrame): void {
    if (aps.type === "data" && aps.profileId === ZDO_PROFILE && aps.clusterId === ZdoCluster.deviceAnnounce) {
      const a = decodeDeviceAnnounce(aps.payload);
      eui.set(a.nwkAddress, toHex(a.eui64));
      return;
    }
    if (aps.type !== "command" || aps.command.command !== "transportKey") return;
    const c = aps.command;
    if (known.some((k) => toHex(k.key) === toHex(c.key))) return;
    const between =
      c.keyType === "applicationLink"
        ? `for ${addr(f.toShort ?? 0xffff)} with ${toHex(c.partner)}`
        : `${toHex(c.source)} -> ${toHex(c.destination)}`;
    const label = `${c.keyType} key from Transport Key in frame ${f.number} (${between})`;
    known.push({ key: c.key, label });
    learned.push({ frame: f.number, keyType: c.keyType, key: c.key, label });
  }
}
