/** Loads a published vector file from test/vectors/ (copied from the project's shared vectors). */
import { readFileSync } from "node:fs";

export function loadVectors<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8")) as T;
}
