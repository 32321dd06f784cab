/**
 * Worker-thread entry of batch issuance: receives `{start, end}` ranges of the batch in
 * `workerData`, answers `{start, rows}` (or `{start, error}`). Randomness from node:crypto.
 * The registry stays with the main thread, which commits in order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { cryptoRng } from "../util/rng.js";
import { type BatchJob, computeRange } from "./batch-compute.js";

const job = workerData as BatchJob;
const port = parentPort!;
port.on("message", (msg: { start: number; end: number }) => {
  try {
    port.postMessage({
      start: msg.start,
      rows: computeRange({ job, start: msg.start, end: msg.end, rng: cryptoRng }),
    });
  } catch (e) {
    port.postMessage({ start: msg.start, error: e instanceof Error ? e.message : String(e) });
  }
});
port.postMessage({ ready: true });
