/**
 * Wireshark's Zigbee pre-configured keys table (UAT `zigbee_pc_keys`, preference
 * "Pre-configured Keys" of the ZigBee NWK protocol; Wireshark packet-zbee-security.c): one key
 * per line, `"<32 hex digits>","Normal","<label>"`. Wireshark tries each key as a network key and
 * as a link key (deriving key-transport and key-load keys itself). UAT strings escape bytes
 * outside printable ASCII, the quote and the backslash as \xHH.
 */
import { fromHex, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";

export interface WiresharkKey {
  key: Uint8Array;
  /** Free text naming the devices the key belongs to. */
  label: string;
  /** "Normal" (as written) or "Reverse" (byte order reversed by Wireshark). Default Normal. */
  byteOrder?: "Normal" | "Reverse";
}

function escapeUat(s: string): string {
  let out = "";
  for (const ch of Buffer.from(s, "utf8")) {
    out +=
      ch < 0x20 || ch > 0x7e || ch === 0x22 || ch === 0x5c
        ? `\\x${ch.toString(16).padStart(2, "0")}`
        : String.fromCharCode(ch);
  }
  return out;
}

function unescapeUat(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else bytes.push(s.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString("utf8");
}

/** One UAT record (no newline): `"<hex>","Normal","<label>"`. */
export function formatKeyRecord(k: WiresharkKey): string {
  if (!(k.key instanceof Uint8Array) || k.key.length !== 16) {
    throw new ZseError("BAD_LENGTH", `keys file key "${k.label}": a Zigbee key is 16 bytes`);
  }
  return `"${toHex(k.key)}","${k.byteOrder ?? "Normal"}","${escapeUat(k.label)}"`;
}

/** The whole file, one record per line; duplicate keys are written once (first label wins). */
export function formatKeysFile(keys: readonly WiresharkKey[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const k of keys) {
    const hex = toHex(k.key);
    if (seen.has(hex)) continue;
    seen.add(hex);
    lines.push(formatKeyRecord(k));
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** Reads a zigbee_pc_keys file; blank lines and lines starting with # are skipped. */
export function parseKeysFile(text: string): WiresharkKey[] {
  const out: WiresharkKey[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = line.match(/^"([^"]*)","(Normal|Reverse)","([^"]*)"$/);
    if (!m)
      throw new ZseError(
        "BAD_FORMAT",
        `keys file line ${i + 1}: expected "<key>","Normal|Reverse","<label>"`,
      );
    const key = fromHex(m[1], `keys file line ${i + 1} key`);
    if (key.length !== 16)
      throw new ZseError("BAD_LENGTH", `keys file line ${i + 1} key: ${key.length} bytes, expected 16`);
    out.push({
      key: m[2] === "Reverse" ? key.reverse() : key,
      label: unescapeUat(m[3]),
      byteOrder: "Normal",
    });
  }
  return out;
}
