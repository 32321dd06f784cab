/**
 * Install codes (Zigbee 05-3474 Annex F / 4.6.3.4; BDB 13-0402): a 6, 8, 12 or 16 byte code
 * followed by its CRC-16/X.25 (reflected polynomial 0x1021, init 0xFFFF, xorout 0xFFFF), sent
 * least significant byte first. The preconfigured link key is AES-MMO(code || CRC).
 *
 * Accepted text forms: hex with or without spaces, colons or dashes; the label/QR forms seen
 * in the field (zigbee-herdsman installCodes.ts): `Z:<eui64>$I:<code>[%...|$...]`,
 * `<eui64>|<code>` and Philips Hue `HUE:Z:<code> M:<eui64> ...`. The EUI-64 they carry is
 * returned. A missing or wrong CRC is an error that names the right CRC; repairing it is an
 * explicit opt-in (`fixCrc`), never silent.
 */
import { aesMmo } from "../crypto/aes-mmo.js";
import { abytes, concat, fromHex, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { parseEui64 } from "../util/eui64.js";

/** Code sizes without the CRC. */
export const INSTALL_CODE_SIZES = [6, 8, 12, 16] as const;
export type InstallCodeSize = (typeof INSTALL_CODE_SIZES)[number];

/** CRC-16/X.25 of `data` (check value of "123456789" is 0x906e). */
export function crc16X25(data: Uint8Array): number {
  let crc = 0xffff;
  for (let i = 0; i < data.length; i++) {
    crc ^= data[i];
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return (crc ^ 0xffff) & 0xffff;
}

/** The two CRC bytes as they follow the code: least significant first. */
export function crcBytes(code: Uint8Array): Uint8Array {
  const c = crc16X25(code);
  return Uint8Array.of(c & 0xff, c >> 8);
}

export interface InstallCode {
  /** The code followed by its CRC (8, 10, 14 or 18 bytes). */
  installCode: Uint8Array;
  /** The code alone. */
  code: Uint8Array;
  /** The CRC-16/X.25 value (the two trailing bytes read little-endian). */
  crc: number;
  /** AES-MMO(code || CRC): the preconfigured link key. */
  linkKey: Uint8Array;
  /** The EUI-64 (big-endian) when the text form carried one. */
  eui64?: Uint8Array;
  /** True when the CRC was supplied or replaced because `fixCrc` was set. */
  crcRepaired: boolean;
}

export interface ParseInstallCodeOptions {
  /** Append a missing CRC or replace a wrong one instead of failing. Default false. */
  fixCrc?: boolean;
  /** The code size without CRC, to settle the one ambiguous length (8 bytes: 6+CRC or 8 alone). */
  size?: InstallCodeSize;
}

/** Link key of a code that already carries its CRC (checked). */
export function installCodeLinkKey(codeWithCrc: Uint8Array): Uint8Array {
  return checkInstallCode(codeWithCrc).linkKey;
}

/**
 * Checks bytes that are code || CRC; returns the parts and the link key.
 * Throws BAD_LENGTH for a size that is not 8/10/14/18, BAD_CRC naming the right CRC.
 */
export function checkInstallCode(codeWithCrc: Uint8Array): InstallCode {
  abytes(codeWithCrc, [8, 10, 14, 18], "install code with CRC");
  const code = codeWithCrc.subarray(0, codeWithCrc.length - 2);
  const got = codeWithCrc[codeWithCrc.length - 2] | (codeWithCrc[codeWithCrc.length - 1] << 8);
  const want = crc16X25(code);
  if (got !== want) {
    throw new ZseError(
      "BAD_CRC",
      `install code: CRC ${crcHex(got)} is wrong for this ${code.length}-byte code; the right CRC is ${crcHex(want)} (bytes ${toHex(crcBytes(code))})`,
    );
  }
  return build(code, false);
}

/** Builds code || CRC from a bare code of 6, 8, 12 or 16 bytes. */
export function makeInstallCode(code: Uint8Array): InstallCode {
  abytes(code, INSTALL_CODE_SIZES, "install code without CRC");
  return build(code, false);
}

function build(code: Uint8Array, repaired: boolean): InstallCode {
  const c = Uint8Array.from(code);
  const installCode = concat(c, crcBytes(c));
  return { installCode, code: c, crc: crc16X25(c), linkKey: aesMmo(installCode), crcRepaired: repaired };
}

function crcHex(v: number): string {
  return `0x${v.toString(16).padStart(4, "0")}`;
}

/** Splits the label/QR forms into code text and EUI-64 text. */
function splitForms(text: string): { code: string; eui64?: string } {
  const t = text.trim();
  let m = /^Z:([0-9A-Fa-f]{16})\$I:([0-9A-Fa-f:\- ]+)(?:[%$].*)?$/.exec(t);
  if (m) return { eui64: m[1], code: m[2] };
  m = /^HUE:Z:([0-9A-Fa-f]+)\s+M:([0-9A-Fa-f]{16})(?:\s.*)?$/i.exec(t);
  if (m) return { code: m[1], eui64: m[2] };
  m = /^([0-9A-Fa-f:\- ]{16,23})\|([0-9A-Fa-f:\- ]+)$/.exec(t);
  if (m) return { eui64: m[1], code: m[2] };
  if (/^(Z:|HUE:)/i.test(t) || t.includes("|") || t.includes("$")) {
    throw new ZseError(
      "BAD_FORMAT",
      `install code: "${text}" is not a known label form (Z:<eui64>$I:<code>, <eui64>|<code>, HUE:Z:<code> M:<eui64>)`,
    );
  }
  return { code: t };
}

/**
 * Parses an install code in any accepted text form. Returns the code, CRC, link key and the
 * EUI-64 when the form carried one. Errors: BAD_HEX, BAD_FORMAT, BAD_LENGTH, BAD_CRC (with the
 * right CRC), BAD_VALUE for an ambiguous repair.
 */
export function parseInstallCode(text: string, options: ParseInstallCodeOptions = {}): InstallCode {
  const parts = splitForms(text);
  const bytes = fromHex(parts.code, "install code");
  const eui64 = parts.eui64 === undefined ? undefined : parseEui64(parts.eui64, "install code EUI-64");
  const result = interpret(bytes, options);
  return eui64 ? { ...result, eui64 } : result;
}

function interpret(bytes: Uint8Array, options: ParseInstallCodeOptions): InstallCode {
  const n = bytes.length;
  const { size, fixCrc = false } = options;
  if (size !== undefined && !INSTALL_CODE_SIZES.includes(size)) {
    throw new ZseError("BAD_VALUE", `install code size: ${size} is not 6, 8, 12 or 16`);
  }
  const withCrc = size !== undefined ? n === size + 2 : [8, 10, 14, 18].includes(n);
  const bare = size !== undefined ? n === size : [6, 8, 12, 16].includes(n);
  if (!withCrc && !bare) {
    throw new ZseError(
      "BAD_LENGTH",
      `install code: ${n} bytes; expected a 6, 8, 12 or 16 byte code followed by its 2-byte CRC (8, 10, 14 or 18 bytes)`,
    );
  }
  if (withCrc) {
    const code = bytes.subarray(0, n - 2);
    const got = bytes[n - 2] | (bytes[n - 1] << 8);
    const want = crc16X25(code);
    if (got === want) return build(code, false);
    if (!bare || size !== undefined) {
      if (fixCrc) return build(code, true);
      throw new ZseError(
        "BAD_CRC",
        `install code: CRC ${crcHex(got)} is wrong for this ${code.length}-byte code; the right CRC is ${crcHex(want)} (append ${toHex(crcBytes(code))}); pass --fix-crc to repair it`,
      );
    }
    // 8 bytes, no size given: a 6-byte code with a wrong CRC, or an 8-byte code without CRC.
    if (fixCrc) {
      throw new ZseError(
        "BAD_VALUE",
        `install code: 8 bytes are either a 6-byte code with a wrong CRC (right: ${crcHex(want)}) or an 8-byte code without CRC (its CRC: ${crcHex(crc16X25(bytes))}); give the size (6 or 8) to repair`,
      );
    }
    throw new ZseError(
      "BAD_CRC",
      `install code: as a 6-byte code its CRC ${crcHex(got)} is wrong (right: ${crcHex(want)}); as an 8-byte code it lacks its CRC (${toHex(crcBytes(bytes))})`,
    );
  }
  if (fixCrc) return build(bytes, true);
  throw new ZseError(
    "BAD_CRC",
    `install code: ${n}-byte code without its CRC; the CRC would be ${crcHex(crc16X25(bytes))} (append ${toHex(crcBytes(bytes))}); pass --fix-crc to add it`,
  );
}
