/**
 * Parsing and checking of what a CA operator types: suite, issuer, times, durations, key usage,
 * profile data and validity windows. Field sizes follow the SE 1.4 certificate layouts
 * (SE 07-5356 C.4.2.2.4 / Annex C: suite 1 issuer 8 B and profile data 10 B; suite 2 valid-from
 * 40-bit Unix seconds, valid time 32-bit seconds with 0xFFFFFFFF = no expiry, key usage 1 B).
 * Every failure is a one-line ZseError naming the option and the value.
 */
import {
  KEY_USAGE_DIGITAL_SIGNATURE,
  KEY_USAGE_KEY_AGREEMENT,
  MAX_VALID_FROM,
  parseKeyUsage as parseCertificateKeyUsage,
  VALID_TIME_NO_EXPIRY,
} from "../se/certificate.js";
import { isoSeconds } from "../se/certificate-checks.js";
import type { Suite } from "../se/suites.js";
import { fromHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";

export { keyUsageNames } from "../se/certificate.js";
export { isoSeconds } from "../se/certificate-checks.js";
export { MAX_VALID_FROM, type Suite };

/** Valid-time value meaning "no expiry" (suite 2 certificate). */
export const NO_EXPIRY = VALID_TIME_NO_EXPIRY;
/** Key usage bits of a suite 2 certificate (SE 1.4 C.6.2.2.4). */
export const KEY_USAGE = {
  agreement: KEY_USAGE_KEY_AGREEMENT,
  signature: KEY_USAGE_DIGITAL_SIGNATURE,
} as const;
/** Suite 1 profile attribute data length. */
export const PROFILE_DATA_SIZE = 10;

/** "1" | "2" to a suite number. */
export function parseSuite(text: string | number, title = "--suite"): Suite {
  const s = String(text).trim();
  if (s === "1" || s === "2") return Number(s) as Suite;
  throw new ZseError(
    "BAD_VALUE",
    `${title}: unknown suite "${text}" (1 = CBKE sect163k1, 2 = CBKE2 sect283k1)`,
  );
}

/** `1|2|both` to the list of suites. */
export function parseSuites(text: string): Suite[] {
  if (text.trim() === "both") return [1, 2];
  return [parseSuite(text)];
}

/** Issuer: 8 bytes as 16 hex digits (separators allowed), or exactly 8 printable ASCII characters. */
export function parseIssuer(text: string, title = "--issuer"): Uint8Array {
  if (/^[\x20-\x7e]{8}$/.test(text)) return new TextEncoder().encode(text);
  let b: Uint8Array | undefined;
  try {
    b = fromHex(text, title);
  } catch {
    b = undefined;
  }
  if (b?.length === 8) return b;
  throw new ZseError(
    "BAD_VALUE",
    `${title}: "${text}" is neither 8 bytes of hex (16 digits) nor 8 ASCII characters`,
  );
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Time to Unix seconds: an ISO 8601 date or date-time ("2026-01-01", "2026-01-01T12:00:00Z";
 * no zone = UTC) or a whole number of Unix seconds. Must fit the 40-bit valid-from field.
 */
export function parseTime(text: string, title = "--valid-from"): number {
  const s = text.trim();
  let secs: number;
  if (/^\d+$/.test(s)) secs = Number(s);
  else {
    const m = ISO.exec(s);
    if (!m) throw new ZseError("BAD_VALUE", `${title}: "${text}" is not an ISO 8601 time or Unix seconds`);
    const [, y, mo, d, h = "00", mi = "00", se = "00", zone] = m;
    const monthDays = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
    if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > monthDays) {
      throw new ZseError("BAD_VALUE", `${title}: "${text}" has no such date`);
    }
    if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) {
      throw new ZseError("BAD_VALUE", `${title}: "${text}" has no such time of day`);
    }
    const z = zone === undefined ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
    const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${z}`);
    if (Number.isNaN(ms)) throw new ZseError("BAD_VALUE", `${title}: "${text}" is not a valid time`);
    secs = Math.floor(ms / 1000);
  }
  if (!Number.isSafeInteger(secs) || secs < 0 || secs > MAX_VALID_FROM) {
    throw new ZseError("BAD_VALUE", `${title}: "${text}" is outside the 40-bit Unix-seconds range`);
  }
  return secs;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400, y: 365 * 86400 };

/**
 * Duration to seconds: whole seconds ("3600") or unit groups ("10y", "1y30d", "12h"; units s m h
 * d w y, y = 365 d). Must be positive and below 0xFFFFFFFF (that value means no expiry).
 */
export function parseDuration(text: string, title = "--valid-for"): number {
  const s = text.trim();
  let secs = 0;
  if (/^\d+$/.test(s)) secs = Number(s);
  else if (/^(\d+[smhdwy])+$/.test(s)) {
    for (const [, n, u] of s.matchAll(/(\d+)([smhdwy])/g)) secs += Number(n) * UNIT[u];
  } else {
    throw new ZseError("BAD_VALUE", `${title}: "${text}" is not a duration (e.g. 3600, 12h, 30d, 10y)`);
  }
  if (secs <= 0) throw new ZseError("BAD_VALUE", `${title}: "${text}" is not a positive duration`);
  if (secs >= NO_EXPIRY) {
    throw new ZseError("BAD_VALUE", `${title}: "${text}" is ${secs} s, beyond the 32-bit valid-time field`);
  }
  return secs;
}

/** Key usage list for `--key-usage` (src/se/certificate.ts parseKeyUsage: names or a hex byte). */
export function parseKeyUsage(text: string, title = "--key-usage"): number {
  return parseCertificateKeyUsage(text, title);
}

/** Suite 1 profile attribute data: exactly 10 bytes of hex. */
export function parseProfileData(text: string, title = "--profile-data"): Uint8Array {
  const b = fromHex(text, title);
  if (b.length !== PROFILE_DATA_SIZE) {
    throw new ZseError("BAD_LENGTH", `${title}: ${b.length} bytes, expected ${PROFILE_DATA_SIZE}`);
  }
  return b;
}

/**
 * Checks a suite 2 validity window: valid-from in 40 bits, valid-for in 1..0xFFFFFFFF (the last
 * meaning no expiry), and an end (from + for) that does not come before the start. `until`, when
 * given instead of a duration, is converted here.
 */
export function validityWindow(opts: { validFrom: number; validFor?: number; until?: number }): {
  validFrom: number;
  validFor: number;
} {
  const { validFrom } = opts;
  if (!Number.isSafeInteger(validFrom) || validFrom < 0 || validFrom > MAX_VALID_FROM) {
    throw new ZseError("BAD_VALUE", `valid-from: ${validFrom} is outside the 40-bit Unix-seconds range`);
  }
  let validFor = opts.validFor ?? NO_EXPIRY;
  if (opts.until !== undefined) {
    if (opts.until <= validFrom) {
      throw new ZseError(
        "BAD_VALUE",
        `validity window ends (${isoSeconds(opts.until)}) before it starts (${isoSeconds(validFrom)})`,
      );
    }
    validFor = opts.until - validFrom;
  }
  if (!Number.isSafeInteger(validFor) || validFor <= 0 || validFor > NO_EXPIRY) {
    throw new ZseError("BAD_VALUE", `valid-for: ${validFor} s is outside 1..${NO_EXPIRY}`);
  }
  if (validFor === NO_EXPIRY && opts.until !== undefined) {
    throw new ZseError("BAD_VALUE", `valid-until: window of ${validFor} s collides with the no-expiry value`);
  }
  return { validFrom, validFor };
}
