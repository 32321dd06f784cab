/** Test helpers for the CA: the zse command run asynchronously, and a dump of the whole registry. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const BIN = fileURLToPath(new URL("../../bin/zse.js", import.meta.url));

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `zse args` without blocking the event loop (so several can run at once). */
export function zseAsync(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ZSE_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => {
      stdout += d;
    });
    p.stderr.on("data", (d) => {
      stderr += d;
    });
    p.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** Every row of every table of the registry in `dir`, as one string (or "absent"). */
export function dumpRegistry(dir: string): string {
  const path = join(dir, "ca.db");
  if (!existsSync(path)) return "absent";
  const db = new Database(path, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}
