/**
 * `zse cert private`: the device side of a request-mode issuance (ECQV, SEC 4 §3.6): the
 * device's private key d_U = e·k_U + r mod n from its certificate, its request secret k_U and
 * the CA's reconstruction data r, checked against the public key the certificate implies
 * (Q_U = e·P_U + Q_CA, SEC 4 §3.5). Registered under the `cert` group (created here when the
 * group is not registered yet).
 */
import type { Command } from "commander";
import { devicePrivateKey } from "../../ca/issue.js";
import { fromHex, toHex } from "../../util/bytes.js";
import { action, emit } from "../output.js";

/** The `cert` command group, found or created. */
export function certGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "cert") ??
    program.command("cert").description("implicit certificates: decode, verify, private key")
  );
}

export function register(program: Command): void {
  certGroup(program)
    .command("private")
    .description("device private key from a request-mode certificate and the CA's reconstruction data r")
    .requiredOption("--certificate <hex>", "the issued certificate (48 or 74 bytes)")
    .requiredOption("--request-secret <hex>", "k_U, the secret behind the request point the device sent")
    .requiredOption(
      "--reconstruction <hex>",
      "r, the private-key reconstruction data from zse ca issue --request",
    )
    .requiredOption("--ca-public-key <hex>", "the issuing CA's compressed public key")
    .option("--json", "print one JSON document")
    .action(
      action(
        (o: {
          certificate: string;
          requestSecret: string;
          reconstruction: string;
          caPublicKey: string;
          json?: boolean;
        }) => {
          const res = devicePrivateKey({
            certificate: fromHex(o.certificate, "--certificate"),
            requestSecret: fromHex(o.requestSecret, "--request-secret"),
            reconstruction: fromHex(o.reconstruction, "--reconstruction"),
            caPublicKey: fromHex(o.caPublicKey, "--ca-public-key"),
          });
          const out = { privateKey: toHex(res.privateKey), publicKey: toHex(res.publicKey) };
          emit(o, out, () => [
            `private key ${out.privateKey}`,
            `public key  ${out.publicKey} (matches the certificate)`,
          ]);
        },
      ),
    );
}
