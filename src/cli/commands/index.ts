/** Every subcommand of `zse`, in the order `--help` lists them. Each file exports register(). */
import type { Command } from "commander";
import { register as hash } from "./hash.js";
import { register as installCode } from "./install-code.js";

export const commands: ((program: Command) => void)[] = [installCode, hash];
