/** Every subcommand of `zse`, in the order `--help` lists them. Each file exports register(). */
import type { Command } from "commander";
import { register as capture } from "./capture.js";
import { register as cbke } from "./cbke.js";
import { register as cert } from "./cert.js";
import { register as hash } from "./hash.js";
import { register as installCode } from "./install-code.js";
import { register as keygen } from "./keygen.js";

export const commands: ((program: Command) => void)[] = [installCode, hash, keygen, cert, cbke, capture];
