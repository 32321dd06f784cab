/**
 * Reading a revocation list a Trust Center loads to refuse certificates (the CA's
 * `zse ca export --revoked`; SE 07-5356 leaves revocation to the deployment). Accepted forms:
 *
 * - JSON `{ "serials": [hex], "subjects": [hex], "certificates": [hex] }`;
 * - JSON array (or `{ "revoked": [...] }`) of strings or records; a record revokes its
 *   `certificate` when it has one, else its `serial`, else its `subject` (the most specific
 *   field, so a subject's re-issued certificate is not caught by an old record);
 *   a string revokes a whole certificate (48/74 bytes) or, 8 bytes, a serial;
 * - text, one entry a line: `serial <hex>`, `subject <eui64>`, `certificate <hex>` or bare
 *   hex as for strings; `#` starts a comment.
 */
import { fromHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import type { RevocationList } from "./certificate-checks.js";

interface MutableList {
  serials: Uint8Array[];
  subjects: Uint8Array[];
  certificates: Uint8Array[];
}

/** Parses a revocation list (see the file comment). Throws BAD_FORMAT / BAD_HEX naming the entry. */
export function parseRevocationList(text: string, title = "revocation list"): RevocationList {
  const out: MutableList = { serials: [], subjects: [], certificates: [] };
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new ZseError("BAD_FORMAT", `${title}: not valid JSON (${(e as Error).message})`);
    }
    readJson(doc, out, title);
  } else {
    trimmed.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, "").trim();
      if (!line) return;
      const m = /^(serial|subject|certificate)\s+(.+)$/i.exec(line);
      const where = `${title} line ${i + 1}`;
      if (m) add(out, m[1].toLowerCase() as keyof typeof KINDS, m[2], where);
      else addBare(out, line, where);
    });
  }
  return out;
}

const KINDS = { serial: 8, subject: 8, certificate: [48, 74] } as const;

function add(out: MutableList, kind: keyof typeof KINDS, hex: string, where: string): void {
  const b = fromHex(hex, `${where} ${kind}`);
  const want = KINDS[kind];
  const ok = typeof want === "number" ? b.length === want : (want as readonly number[]).includes(b.length);
  if (!ok) throw new ZseError("BAD_FORMAT", `${where}: ${kind} "${hex}" has ${b.length} bytes`);
  (kind === "serial" ? out.serials : kind === "subject" ? out.subjects : out.certificates).push(b);
}

function addBare(out: MutableList, hex: string, where: string): void {
  const b = fromHex(hex, where);
  if (b.length === 8) out.serials.push(b);
  else if (b.length === 48 || b.length === 74) out.certificates.push(b);
  else throw new ZseError("BAD_FORMAT", `${where}: "${hex}" is neither a serial (8 bytes) nor a certificate`);
}

function readJson(doc: unknown, out: MutableList, title: string): void {
  if (Array.isArray(doc)) {
    for (const [i, entry] of doc.entries()) readEntry(entry, out, `${title} entry ${i}`);
    return;
  }
  if (doc === null || typeof doc !== "object")
    throw new ZseError("BAD_FORMAT", `${title}: expected an object`);
  const o = doc as Record<string, unknown>;
  if (Array.isArray(o.revoked)) {
    readJson(o.revoked, out, title);
    return;
  }
  for (const [key, kind] of [
    ["serials", "serial"],
    ["subjects", "subject"],
    ["certificates", "certificate"],
  ] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ZseError("BAD_FORMAT", `${title}: "${key}" is not an array`);
    for (const [i, v] of list.entries()) {
      add(out, kind, stringField(v, `${title} ${key}[${i}]`), `${title} ${key}[${i}]`);
    }
  }
}

function readEntry(entry: unknown, out: MutableList, where: string): void {
  if (typeof entry === "string") {
    addBare(out, entry, where);
    return;
  }
  if (entry === null || typeof entry !== "object") throw new ZseError("BAD_FORMAT", `${where}: not a record`);
  const r = entry as Record<string, unknown>;
  for (const kind of ["certificate", "serial", "subject"] as const) {
    if (r[kind] !== undefined && r[kind] !== null) {
      add(out, kind, stringField(r[kind], where), where);
      return;
    }
  }
  throw new ZseError("BAD_FORMAT", `${where}: has no certificate, serial or subject`);
}

function stringField(v: unknown, where: string): string {
  if (typeof v !== "string") throw new ZseError("BAD_FORMAT", `${where}: expected a hex string`);
  return v;
}
