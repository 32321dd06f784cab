/**
 * Test helper: wraps ZCL frames in IEEE 802.15.4 / Zigbee NWK / APS data frames without
 * security (a minimal hand-written header per frame: MAC data frame with short addresses,
 * NWK data frame version 2, APS unicast data frame on endpoint 240), writes them with our
 * PcapWriter (LINKTYPE_IEEE802_15_4_NOFCS) and lets Debian's tshark decode them, as an
 * independent reader of our KE and foundation frames.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LINKTYPE_IEEE802_15_4_NOFCS, PcapWriter } from "../../src/net/pcap.js";
import { runTshark } from "../support/tshark.js";

export { tsharkAvailable } from "../support/tshark.js";

export interface ApsZcl {
  cluster: number;
  profile?: number;
  zcl: Uint8Array;
}

function le16(n: number): number[] {
  return [n & 0xff, n >> 8];
}

function packet(p: ApsZcl, i: number): Uint8Array {
  const mac = [0x41, 0x88, i & 0xff, ...le16(0x1a62), ...le16(0x0000), ...le16(0x1234)];
  const nwk = [0x08, 0x00, ...le16(0x0000), ...le16(0x1234), 30, i & 0xff];
  const aps = [0x00, 240, ...le16(p.cluster), ...le16(p.profile ?? 0x0109), 240, i & 0xff];
  return Uint8Array.from([...mac, ...nwk, ...aps, ...p.zcl]);
}

/** Decodes the frames with tshark; returns, per frame, the requested fields (values joined with ","). */
export function tsharkFields(frames: ApsZcl[], fields: string[]): Record<string, string>[] {
  const dir = mkdtempSync(join(tmpdir(), "zse-zcl-"));
  try {
    const pcap = join(dir, "zcl.pcap");
    const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_NOFCS });
    frames.forEach((f, i) => {
      w.add({ timeUs: 1_700_000_000_000_000 + i * 1000, data: packet(f, i) });
    });
    writeFileSync(pcap, w.toBytes());
    return runTshark({ pcap, fields }).map((layers) =>
      Object.fromEntries(fields.map((f) => [f, (layers[f] ?? []).join(",")])),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
