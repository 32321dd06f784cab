/**
 * Test helper: wraps ZCL frames in IEEE 802.15.4 / Zigbee NWK / APS data frames (no security),
 * writes them to a pcap (LINKTYPE_IEEE802_15_4_NOFCS, 230) and lets Debian's tshark decode
 * them, as an independent reader of our KE and foundation frames.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ApsZcl {
  cluster: number;
  profile?: number;
  zcl: Uint8Array;
}

export function tsharkAvailable(): boolean {
  return spawnSync("tshark", ["--version"], { encoding: "utf8" }).status === 0;
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

function pcap(packets: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (n: number) => parts.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  u32(0xa1b2c3d4);
  parts.push(2, 0, 4, 0);
  u32(0);
  u32(0);
  u32(65535);
  u32(230);
  packets.forEach((p, i) => {
    u32(1700000000 + i);
    u32(0);
    u32(p.length);
    u32(p.length);
    parts.push(...p);
  });
  return Uint8Array.from(parts);
}

/** Decodes the frames with tshark; returns, per frame, the requested fields (string values). */
export function tsharkFields(frames: ApsZcl[], fields: string[]): Record<string, string>[] {
  const dir = mkdtempSync(join(tmpdir(), "zse-tshark-"));
  try {
    const file = join(dir, "f.pcap");
    writeFileSync(file, pcap(frames.map(packet)));
    const args = [
      "-r",
      file,
      "-T",
      "fields",
      "-E",
      "separator=\t",
      "-E",
      "occurrence=a",
      "-E",
      "aggregator=,",
    ];
    for (const f of fields) args.push("-e", f);
    const r = spawnSync("tshark", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
    return r.stdout
      .trimEnd()
      .split("\n")
      .map((line) => {
        const cols = line.split("\t");
        return Object.fromEntries(fields.map((f, k) => [f, cols[k] ?? ""]));
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
