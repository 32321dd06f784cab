/**
 * Output files the commands write: checked before long work starts (so a run is not thrown
 * away for a typo in a path), and replaced atomically (temporary file, fsync, rename), so a
 * crash or a full disk leaves the previous file whole rather than a torn one.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ZseError } from "./errors.js";

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}` : String((e as Error).message ?? e);
}

/**
 * Throws ZseError("IO") unless `path` can be written: its directory exists and is writable,
 * and the file, if there, is a regular file we may write. `what` names the option ("--pcap").
 */
export function assertWritable(path: string, what: string): void {
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw new ZseError("IO", `${what}: ${dir} is not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof ZseError) throw e;
    throw new ZseError("IO", `${what}: cannot write "${path}": directory ${dir}: ${reason(e)}`, { cause: e });
  }
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(path);
  } catch {
    return; // not there yet: the directory check is what counts
  }
  if (!st.isFile()) throw new ZseError("IO", `${what}: "${path}" exists and is not a regular file`);
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    throw new ZseError("IO", `${what}: cannot write "${path}": ${reason(e)}`, { cause: e });
  }
}

/** fsync of a directory (a rename or link in it made durable), where the platform allows it. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // directories cannot be opened for fsync on every platform; the data itself was synced
  }
}

/**
 * Replaces `path` with `data` all at once: a temporary file beside it (created with `mode`),
 * fsync, rename. On failure the temporary file is removed, `path` is as it was, and the
 * error is a ZseError("IO") naming `what` and the path.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, what = "write"): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // not created, or already renamed
    }
    throw new ZseError("IO", `${what}: cannot write "${path}": ${reason(e)}`, { cause: e });
  }
  syncDir(dirname(path));
}
