/**
 * Runs Debian's python3-zigpy (an independent AES-MMO and install-code implementation) under
 * Debian's own /usr/bin/python3. `zigpyAvailable()` tells whether it is installed (CI installs it).
 */
import { spawnSync } from "node:child_process";

const PY = "/usr/bin/python3";

export function zigpyAvailable(): boolean {
  const r = spawnSync(PY, ["-c", "import zigpy.util"], { encoding: "utf8" });
  return r.status === 0;
}

/** Runs `script` with JSON `input` on stdin; the script prints one JSON document. */
export function runZigpy<T>(script: string, input: unknown): T {
  const r = spawnSync(PY, ["-c", script], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
