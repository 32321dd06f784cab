/** Runs the `zse` command as a user would (node bin/zse.js ...) and captures its output. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/zse.js", import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function zse(args: string[], options: { input?: string; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    input: options.input,
    cwd: options.cwd,
    env: { ...process.env, ZSE_DEBUG: "" },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
