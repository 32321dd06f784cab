/**
 * Crash-safe file writes for the CA: private key files created owner-only (0600) and atomically
 * (temporary file, fsync, hard link to the final name, which fails rather than overwrite).
 * Whole-file replacement for exports is util/files.ts `writeFileAtomic`.
 */
import {
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { ZseError } from "../util/errors.js";
import { syncDir } from "../util/files.js";

function writeTemp(path: string, data: string, mode: number): string {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

/**
 * Writes `data` to `path` only if `path` does not exist yet: all of it or nothing, readable by
 * the owner only. EXISTS if the file is already there.
 */
export function writeNewSecretFile(path: string, data: string): void {
  const tmp = writeTemp(path, data, 0o600);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new ZseError("EXISTS", `${path}: already exists, refusing to overwrite a key`);
    }
    throw new ZseError("IO", `${path}: ${(e as Error).message}`);
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dirname(path));
}

/** Reads a private key file written by writeNewSecretFile, refusing one others can read. */
export function readSecretFile(path: string): string {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new ZseError("NOT_FOUND", `${path}: CA private key file missing`);
  }
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) {
    throw new ZseError(
      "BAD_STATE",
      `${path}: mode ${(st.mode & 0o777).toString(8)} lets others read the CA key (chmod 600)`,
    );
  }
  return readFileSync(path, "utf8");
}
