/**
 * Runs Debian's tshark (Wireshark's independent Zigbee dissectors) on a capture with a
 * zigbee_pc_keys file installed in a throw-away Wireshark configuration directory, the way a
 * user installs the keys file, and returns the requested fields of every frame.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const TSHARK = "/usr/bin/tshark";

export function tsharkAvailable(): boolean {
  return existsSync(TSHARK) && spawnSync(TSHARK, ["--version"], { encoding: "utf8" }).status === 0;
}

/** One frame: field name -> every value tshark shows for it (absent when none). */
export type TsharkFrame = Record<string, string[] | undefined>;

/** Expert-info severity of Wireshark's PI_WARN (PI_ERROR is 0x800000). */
export const PI_WARN = 0x600000;

export function runTshark(options: { pcap: string; keysFile?: string; fields: string[] }): TsharkFrame[] {
  const config = mkdtempSync(join(tmpdir(), "zse-wireshark-"));
  try {
    if (options.keysFile) copyFileSync(options.keysFile, join(config, "zigbee_pc_keys"));
    const args = ["-r", options.pcap, "-T", "json"];
    for (const f of options.fields) args.push("-e", f);
    const r = spawnSync(TSHARK, args, {
      encoding: "utf8",
      maxBuffer: 64 << 20,
      env: { ...process.env, WIRESHARK_CONFIG_DIR: config, HOME: config },
    });
    if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
    const docs = JSON.parse(r.stdout) as { _source: { layers: TsharkFrame } }[];
    return docs.map((d) => d._source.layers);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

/** A boolean field's value as a boolean: tshark 4.0 prints 1/0, later versions True/False. */
export function tsharkBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "1" || /^true$/i.test(value)) return true;
  if (value === "0" || /^false$/i.test(value)) return false;
  throw new Error(`not a tshark boolean: ${value}`);
}
