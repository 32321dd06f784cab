/**
 * `zse cbke derive <input.json>`: one side's CBKE computation offline (SE 07-5356 C.4.2 /
 * SE 1.4 C.6), from test keys or to recover a link key for a capture. Input shape in
 * ARCHITECTURE.md; `-` reads stdin. macU is always the initiator's MAC, macV the responder's.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { type CbkeDeriveInput, cbkeDerive } from "../../se/cbke.js";
import { parseSuite } from "../../se/suites.js";
import { fromHex, toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { parseEui64 } from "../../util/eui64.js";
import { action, emit } from "../output.js";

export function register(program: Command): void {
  const cbke = program.command("cbke").description("Certificate-Based Key Establishment computations");
  cbke
    .command("derive")
    .description("compute Z, MacKey, KeyData (the link key), MACU and MACV for one side")
    .argument("<input.json>", "the side's keys, certificates and the partner's data (- for stdin)")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      `
Input:
  { "suite": 1, "caPublicKey": "..", "role": "initiator",
    "local":  { "eui64": "..", "certificate": "..", "privateKey": "..", "ephemeralPrivateKey": ".." },
    "remote": { "eui64": "..", "certificate": "..", "ephemeralPublicKey": ".." } }`,
    )
    .action(
      action((file: string, opts: { json?: boolean }) => {
        const r = cbkeDerive(parseDeriveInput(readInput(file)));
        const out = {
          sharedSecret: toHex(r.sharedSecret),
          macKey: toHex(r.macKey),
          keyData: toHex(r.keyData),
          macU: toHex(r.macU),
          macV: toHex(r.macV),
          localEphemeralPublicKey: toHex(r.localEphemeralPublicKey),
          remotePublicKey: toHex(r.remotePublicKey),
        };
        emit(opts, out, () => [
          `shared secret Z           ${out.sharedSecret}`,
          `MacKey                    ${out.macKey}`,
          `KeyData (link key)        ${out.keyData}`,
          `MACU (initiator)          ${out.macU}`,
          `MACV (responder)          ${out.macV}`,
          `local ephemeral public    ${out.localEphemeralPublicKey}`,
          `remote static public      ${out.remotePublicKey}`,
        ]);
      }),
    );
}

function readInput(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new ZseError("IO", `input: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ZseError("BAD_FORMAT", `input ${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** Turns the JSON input of `cbke derive` into a CbkeDeriveInput; errors name the field. */
export function parseDeriveInput(doc: unknown): CbkeDeriveInput {
  const o = record(doc, "input");
  const local = record(o.local, "local");
  const remote = record(o.remote, "remote");
  const role = o.role;
  if (role !== "initiator" && role !== "responder") {
    throw new ZseError("BAD_VALUE", `role: ${JSON.stringify(role)} is not "initiator" or "responder"`);
  }
  return {
    suite: parseSuite(o.suite),
    role,
    caPublicKey: hex(o.caPublicKey, "caPublicKey"),
    local: {
      eui64: parseEui64(str(local.eui64, "local.eui64"), "local.eui64"),
      certificate: hex(local.certificate, "local.certificate"),
      privateKey: hex(local.privateKey, "local.privateKey"),
      ephemeralPrivateKey: hex(local.ephemeralPrivateKey, "local.ephemeralPrivateKey"),
      ephemeralPublicKey:
        local.ephemeralPublicKey === undefined
          ? undefined
          : hex(local.ephemeralPublicKey, "local.ephemeralPublicKey"),
    },
    remote: {
      eui64: parseEui64(str(remote.eui64, "remote.eui64"), "remote.eui64"),
      certificate: hex(remote.certificate, "remote.certificate"),
      ephemeralPublicKey: hex(remote.ephemeralPublicKey, "remote.ephemeralPublicKey"),
    },
  };
}

function record(v: unknown, title: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new ZseError("BAD_FORMAT", `${title}: expected an object`);
  }
  return v as Record<string, unknown>;
}

function str(v: unknown, title: string): string {
  if (typeof v !== "string") throw new ZseError("BAD_FORMAT", `${title}: expected a hex string`);
  return v;
}

function hex(v: unknown, title: string): Uint8Array {
  return fromHex(str(v, title), title);
}
