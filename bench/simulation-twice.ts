/**
 * Child process of `zse bench --simulate N` (bench/simulation.ts): runs the simulation of
 * `zse simulate --devices N --suite 2` twice in this fresh process and prints both runs' stats
 * as one JSON document, `{ fresh, warm }`. The first run is what a user's `zse simulate` costs
 * (V8 compiling as it goes); the second, the same work again once V8 has compiled it: what a
 * handshake costs the engines and the network, without the process's one-off warm-up. Then,
 * in the same process right after, two CBKE sides as `zse bench` times them
 * (`adjacentTwoSidesMs`): a denominator taken next to the runs, which the machine's drifting
 * speed hits alike.
 *
 * Usage: node --import tsx bench/simulation-twice.ts <devices>
 */
import { runSimulation } from "../src/node/simulation.js";
import { adjacentTwoSidesMs } from "./cbke.js";

const devices = Number(process.argv[2]);
const runs = [];
for (const run of ["first", "second"]) {
  const r = await runSimulation({ devices, suite: 2 });
  if (!r.ok) {
    process.stderr.write(
      `zse simulate --devices ${devices} --suite 2 (${run} run): not every step succeeded\n`,
    );
    process.exit(1);
  }
  runs.push(r.stats);
}
process.stdout.write(
  `${JSON.stringify({ fresh: runs[0], warm: runs[1], adjacentTwoSidesMs: adjacentTwoSidesMs() })}\n`,
);
