/** `zse keygen --suite 1|2 [--private <hex>]`: a key pair on sect163k1 / sect283k1 (SEC 1 §3.2.1). */
import type { Command } from "commander";
import { generateEphemeralKey, publicKeyFor } from "../../se/cbke.js";
import { parseSuite, suiteInfo } from "../../se/suites.js";
import { fromHex, toHex } from "../../util/bytes.js";
import { action, emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("keygen")
    .description("generate a key pair for CBKE suite 1 (sect163k1) or 2 (sect283k1), or derive a public key")
    .requiredOption("--suite <n>", "CBKE suite: 1 or 2")
    .option("--private <hex>", "private key (21 or 36 bytes) whose compressed public key to print")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  zse keygen --suite 2 --json\n  zse keygen --suite 1 --private 01e9ddb5580cf72ece7f215f0ae594e48df3e7fee8",
    )
    .action(
      action((opts: { suite: string; private?: string; json?: boolean }) => {
        const suite = parseSuite(opts.suite, "--suite");
        let privateKey: Uint8Array;
        let publicKey: Uint8Array;
        if (opts.private !== undefined) {
          privateKey = fromHex(opts.private, "--private");
          publicKey = publicKeyFor(suite, privateKey);
        } else {
          ({ privateKey, publicKey } = generateEphemeralKey(suite));
        }
        const out = { suite, privateKey: toHex(privateKey), publicKey: toHex(publicKey) };
        emit(opts, out, () => [
          `suite ${suite} (${suiteInfo(suite).curveName})`,
          `private key  ${out.privateKey}`,
          `public key   ${out.publicKey}`,
        ]);
      }),
    );
}
