/** `zse install-code <code>`: check an install code and derive its link key. */
import type { Command } from "commander";
import { type InstallCodeSize, parseInstallCode } from "../../se/install-code.js";
import { toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { action, emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("install-code")
    .description("check an install code (CRC-16/X.25) and derive its link key (AES-MMO)")
    .argument(
      "<code>",
      "hex code+CRC (spaces, colons, dashes allowed) or a label: Z:<eui64>$I:<code>, <eui64>|<code>, HUE:Z:<code> M:<eui64>",
    )
    .option("--fix-crc", "append a missing CRC or replace a wrong one (explicit repair)")
    .option("--size <bytes>", "code size without CRC (6, 8, 12, 16), to settle an 8-byte input")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  zse install-code 83FED3407A939723A5C639B26916D505C3B5\n  zse install-code 'Z:0011223344556677$I:83FED3407A939723A5C639B26916D505C3B5' --json",
    )
    .action(
      action((code: string, opts: { fixCrc?: boolean; size?: string; json?: boolean }) => {
        let size: InstallCodeSize | undefined;
        if (opts.size !== undefined) {
          const n = Number(opts.size);
          if (![6, 8, 12, 16].includes(n))
            throw new ZseError("BAD_VALUE", `--size: "${opts.size}" is not 6, 8, 12 or 16`);
          size = n as InstallCodeSize;
        }
        const ic = parseInstallCode(code, { fixCrc: opts.fixCrc, size });
        const out: Record<string, unknown> = {
          installCode: toHex(ic.installCode),
          crc: ic.crc.toString(16).padStart(4, "0"),
          linkKey: toHex(ic.linkKey),
        };
        if (ic.eui64) out.eui64 = toHex(ic.eui64);
        if (ic.crcRepaired) out.crcRepaired = true;
        emit(opts, out, () => {
          const lines = [
            `install code ${toHex(ic.installCode)} (${ic.code.length}-byte code, CRC 0x${out.crc}${ic.crcRepaired ? ", repaired" : ""})`,
          ];
          if (ic.eui64) lines.push(`EUI-64       ${toHex(ic.eui64)}`);
          lines.push(`link key     ${toHex(ic.linkKey)}`);
          return lines;
        });
      }),
    );
}
