/** Every subcommand of `zse`, in the order `--help` lists them. Each file exports register(). */
import type { Command } from "commander";
import { register as bench } from "./bench.js";
import { register as ca } from "./ca.js";
import { register as capture } from "./capture.js";
import { register as cbke } from "./cbke.js";
import { register as cert } from "./cert.js";
import { register as certPrivate } from "./cert-private.js";
import { register as hash } from "./hash.js";
import { register as installCode } from "./install-code.js";
import { register as keygen } from "./keygen.js";
import { register as simulate } from "./simulate.js";

// certPrivate adds `cert private` to the group cert.ts creates: keep it after cert.
export const commands: ((program: Command) => void)[] = [
  installCode,
  hash,
  keygen,
  cert,
  certPrivate,
  cbke,
  ca,
  simulate,
  capture,
  bench,
];
