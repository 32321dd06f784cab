/**
 * `zse capture inspect <pcap> [--keys F] [--json]`: our own reading of a Zigbee capture
 * (net/capture-inspect.ts): KE exchanges (SE 07-5356 C.3.1) with partners, suite, certificate
 * fields, ephemeral data, MACs and outcome or Terminate status; Trust Center Keep-Alive reads
 * and answers (SE 07-5356 A.3.5); what the keys decrypted and what they could not.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { type CaptureReport, inspectCapture, type KeExchange } from "../../net/capture-inspect.js";
import { parseKeysFile } from "../../net/keys-file.js";
import { toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { action, emit } from "../output.js";
import { certificateView } from "./cert.js";

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new ZseError("IO", `${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

const iso = (timeUs: number) => new Date(Math.floor(timeUs / 1000)).toISOString();

/** The JSON document of a report: certificates as fields, times as ISO strings. */
export function reportView(r: CaptureReport): Record<string, unknown> {
  return {
    ...r,
    keyEstablishment: r.keyEstablishment.map((x) => ({
      ...x,
      initiatorCertificate: x.initiatorCertificate ? certificateView(x.initiatorCertificate) : null,
      responderCertificate: x.responderCertificate ? certificateView(x.responderCertificate) : null,
    })),
    keepAlive: r.keepAlive.map((k) => ({ ...k, time: iso(k.timeUs) })),
  };
}

function keLines(x: KeExchange, i: number): string[] {
  const status =
    x.outcome === "TERMINATED" && x.terminate
      ? `TERMINATED ${x.terminate.statusName} by the ${x.terminate.sentBy} (wait ${x.terminate.waitTime} s)`
      : x.outcome;
  const out = [
    `KE ${i + 1}: ${x.initiator} -> ${x.responder}, suite ${x.suite ?? "?"}, ${status} (frames ${x.frames.join(", ")})`,
  ];
  for (const [who, c] of [
    ["initiator", x.initiatorCertificate],
    ["responder", x.responderCertificate],
  ] as const) {
    if (!c) continue;
    const extra = c.suite === 2 ? `, serial ${toHex(c.serial)}, key usage 0x${c.keyUsage.toString(16)}` : "";
    out.push(`  ${who} certificate: subject ${toHex(c.subject)}, issuer ${toHex(c.issuer)}${extra}`);
  }
  for (const [name, v] of [
    ["QEU", x.qeu],
    ["QEV", x.qev],
    ["MACU", x.macU],
    ["MACV", x.macV],
  ] as const) {
    if (v) out.push(`  ${name} ${v}`);
  }
  for (const n of x.notes) out.push(`  note: ${n}`);
  return out;
}

function humanLines(path: string, r: CaptureReport): string[] {
  const out = [
    `${path}: ${r.frames} frames, link type ${r.linkType}; decrypted NWK ${r.decrypted.nwk}, APS ${r.decrypted.aps}; ` +
      `${r.undecrypted.length} not decrypted, ${r.malformed.length} malformed`,
  ];
  for (const a of r.associations) {
    const result =
      a.status === undefined
        ? "no response"
        : a.status === 0
          ? `short address 0x${(a.shortAddress ?? 0).toString(16).padStart(4, "0")}`
          : `refused (status 0x${a.status.toString(16).padStart(2, "0")})`;
    out.push(`association: ${a.device} with ${a.coordinator ?? "?"}: ${result}`);
  }
  for (const k of r.learnedKeys) out.push(`learned ${k.label}: ${k.key}`);
  if (r.keyEstablishment.length === 0) out.push("no key establishment");
  r.keyEstablishment.forEach((x, i) => {
    out.push(...keLines(x, i));
  });
  if (r.keepAlive.length === 0) out.push("no keep-alive traffic read");
  for (const k of r.keepAlive) {
    const what =
      k.kind === "read"
        ? `read attributes ${k.attributes?.map((a) => `0x${a.toString(16).padStart(4, "0")}`).join(", ")}`
        : `response base ${k.base ?? "-"} min, jitter ${k.jitter ?? "-"} s`;
    out.push(
      `keep-alive frame ${k.frame} ${iso(k.timeUs)}: ${k.from} -> ${k.to} ${what}${k.apsSecured ? " (APS-encrypted)" : ""}`,
    );
  }
  for (const u of r.undecrypted) {
    const who = u.from ? ` ${u.from} -> ${u.to}` : "";
    out.push(`not decrypted: frame ${u.frame}${who} ${u.layer.toUpperCase()} ${u.reason}`);
  }
  for (const m of r.malformed) out.push(`malformed: frame ${m.frame}: ${m.error}`);
  return out;
}

export function register(program: Command): void {
  const capture = program.command("capture").description("read Zigbee captures (pcap)");
  capture
    .command("inspect")
    .description("KE exchanges, keep-alive traffic and what the keys decrypt in a pcap (LINKTYPE 195 or 230)")
    .argument("<pcap>", "capture file")
    .option("--keys <file>", "Wireshark zigbee_pc_keys file (one key per line)")
    .option("--json", "print one JSON document")
    .addHelpText("after", "\nExample:\n  zse capture inspect se.pcap --keys se.keys")
    .action(
      action((path: string, opts: { keys?: string; json?: boolean }) => {
        const bytes = readInput(path, "capture");
        const keys = opts.keys
          ? parseKeysFile(new TextDecoder().decode(readInput(opts.keys, "keys file")))
          : [];
        const r = inspectCapture(bytes, { keys });
        emit(opts, reportView(r), () => humanLines(path, r));
      }),
    );
}
