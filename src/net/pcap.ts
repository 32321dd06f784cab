/**
 * pcap capture files (the classic libpcap format, draft-ietf-opsawg-pcap): a 24-byte global
 * header and one 16-byte record header per packet, microsecond timestamps. Written little-endian
 * with link type LINKTYPE_IEEE802_15_4_WITHFCS (195, the frame ends with the 802.15.4 FCS) or
 * LINKTYPE_IEEE802_15_4_NOFCS (230). The reader takes either byte order and the nanosecond
 * variant (magic 0xa1b23c4d).
 */
import { ZseError } from "../util/errors.js";

export const LINKTYPE_IEEE802_15_4_WITHFCS = 195;
export const LINKTYPE_IEEE802_15_4_NOFCS = 230;

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export interface PcapPacket {
  /** Timestamp in microseconds since the Unix epoch (virtual time in the simulator). */
  timeUs: number;
  data: Uint8Array;
  /** Length on the wire when `data` was cut short; defaults to data.length. */
  originalLength?: number;
}

export interface PcapFile {
  linkType: number;
  snapLength: number;
  packets: PcapPacket[];
}

/** Collects packets and renders the pcap file. */
export class PcapWriter {
  private readonly records: Uint8Array[] = [];
  readonly linkType: number;
  readonly snapLength: number;

  constructor(options: { linkType?: number; snapLength?: number } = {}) {
    this.linkType = options.linkType ?? LINKTYPE_IEEE802_15_4_WITHFCS;
    this.snapLength = options.snapLength ?? 65535;
  }

  /** Appends one packet; timestamps must be non-negative integers of microseconds. */
  add(packet: PcapPacket): this {
    const { timeUs, data } = packet;
    if (!Number.isSafeInteger(timeUs) || timeUs < 0) {
      throw new ZseError(
        "BAD_VALUE",
        `pcap timestamp: ${timeUs} is not a non-negative integer of microseconds`,
      );
    }
    if (data.length > this.snapLength) {
      throw new ZseError(
        "BAD_LENGTH",
        `pcap packet: ${data.length} bytes, more than the snap length ${this.snapLength}`,
      );
    }
    const seconds = Math.floor(timeUs / 1e6);
    if (seconds > 0xffffffff) throw new ZseError("BAD_VALUE", `pcap timestamp: ${timeUs} µs is past 2106`);
    const rec = new Uint8Array(RECORD_HEADER + data.length);
    const v = new DataView(rec.buffer);
    v.setUint32(0, seconds, true);
    v.setUint32(4, timeUs % 1e6, true);
    v.setUint32(8, data.length, true);
    v.setUint32(12, packet.originalLength ?? data.length, true);
    rec.set(data, RECORD_HEADER);
    this.records.push(rec);
    return this;
  }

  get count(): number {
    return this.records.length;
  }

  /** The whole file: global header then every record in the order added. */
  toBytes(): Uint8Array {
    let n = GLOBAL_HEADER;
    for (const r of this.records) n += r.length;
    const out = new Uint8Array(n);
    const v = new DataView(out.buffer);
    v.setUint32(0, MAGIC_US, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, this.snapLength, true);
    v.setUint32(20, this.linkType, true);
    let o = GLOBAL_HEADER;
    for (const r of this.records) {
      out.set(r, o);
      o += r.length;
    }
    return out;
  }
}

/** Reads a pcap file; BAD_FORMAT on an unknown magic or a truncated record. */
export function readPcap(bytes: Uint8Array): PcapFile {
  if (bytes.length < GLOBAL_HEADER) {
    throw new ZseError("BAD_FORMAT", `pcap: ${bytes.length} bytes, shorter than the 24-byte global header`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let le: boolean;
  let nano: boolean;
  const m = v.getUint32(0, true);
  if (m === MAGIC_US || m === MAGIC_NS) {
    le = true;
    nano = m === MAGIC_NS;
  } else {
    const mb = v.getUint32(0, false);
    if (mb !== MAGIC_US && mb !== MAGIC_NS) {
      throw new ZseError("BAD_FORMAT", `pcap magic: 0x${m.toString(16)} is not a pcap file`);
    }
    le = false;
    nano = mb === MAGIC_NS;
  }
  const major = v.getUint16(4, le);
  if (major !== 2) throw new ZseError("BAD_FORMAT", `pcap version: ${major}, expected 2`);
  const snapLength = v.getUint32(16, le);
  const linkType = v.getUint32(20, le) & 0x0fffffff;
  const packets: PcapPacket[] = [];
  let o = GLOBAL_HEADER;
  while (o < bytes.length) {
    if (o + RECORD_HEADER > bytes.length) {
      throw new ZseError("BAD_FORMAT", `pcap record ${packets.length + 1}: header cut short at byte ${o}`);
    }
    const sec = v.getUint32(o, le);
    const frac = v.getUint32(o + 4, le);
    const incl = v.getUint32(o + 8, le);
    const orig = v.getUint32(o + 12, le);
    o += RECORD_HEADER;
    if (o + incl > bytes.length) {
      throw new ZseError(
        "BAD_FORMAT",
        `pcap record ${packets.length + 1}: ${incl} bytes announced, file ends first`,
      );
    }
    const timeUs = sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac);
    packets.push({ timeUs, data: bytes.slice(o, o + incl), originalLength: orig });
    o += incl;
  }
  return { linkType, snapLength, packets };
}
