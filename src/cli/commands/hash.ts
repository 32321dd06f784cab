/** `zse hash <hex>`: AES-MMO digest (Zigbee 05-3474 B.6). */
import type { Command } from "commander";
import { aesMmo } from "../../crypto/aes-mmo.js";
import { fromHex, toHex } from "../../util/bytes.js";
import { action, emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("hash")
    .description("AES-MMO hash (Zigbee 05-3474 B.6) of hex bytes")
    .argument(
      "<hex>",
      "message bytes in hex (spaces, colons, dashes allowed; empty string for the empty message)",
    )
    .option("--json", "print one JSON document")
    .addHelpText("after", "\nExample:\n  zse hash c0   # ae3a102a28d43ee0d4a09e22788b206c")
    .action(
      action((hex: string, opts: { json?: boolean }) => {
        const digest = toHex(aesMmo(fromHex(hex, "message")));
        emit(opts, { digest }, () => digest);
      }),
    );
}
