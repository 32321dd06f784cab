/**
 * `zse bench [--json] [--quick]`: the benchmark report of bench/index.ts (issue 3 item 6):
 * per-suite medians and the same run's node:crypto baseline with `ratio`. The benchmarks
 * live in bench/ beside the code, so this runs from a source checkout (as `npm run bench`).
 */
import type { Command } from "commander";
import { MAX_SIMULATED_METERS } from "../../node/simulation.js";
import { ZseError } from "../../util/errors.js";
import { action, emit } from "../output.js";

interface BenchModule {
  runBench(opts: { quick?: boolean }): { issuance?: unknown; simulation?: unknown };
  runIssuanceBench(opts: { count?: number }): Promise<unknown>;
  runSimulationBench(report: unknown, opts: { devices?: number }): unknown;
  formatBench(report: unknown): string[];
}

async function loadBench(): Promise<BenchModule> {
  const url = new URL("../../../bench/index.ts", import.meta.url).href;
  try {
    return (await import(url)) as BenchModule;
  } catch (e) {
    throw new ZseError(
      "NOT_FOUND",
      `bench: the benchmarks (bench/index.ts) are not in this installation; run from a source checkout (${(e as Error).message.split("\n")[0]})`,
    );
  }
}

export function register(program: Command): void {
  program
    .command("bench")
    .description("benchmark field, curve, ECQV, ECMQV, one CBKE side and issuance against node:crypto")
    .option("--quick", "a few-second run with fewer rounds (noisier)")
    .option("--json", "print one JSON document")
    .option("--issuance [count]", "also CA batch issuance of suite 2 certificates (default 5000)")
    .option(
      "--simulate [devices]",
      "also zse simulate --devices N --suite 2 (default 1000) right after, as a ratio to two CBKE sides",
    )
    .addHelpText(
      "after",
      "\nratio = cbkeSideUs / baselineSideUs, baseline = 4 x node:crypto EC keygen in the same run.\nExample:\n  zse bench --quick --json\n  zse bench --issuance 5000\n  zse bench --simulate 1000",
    )
    .action(
      action(
        async (opts: {
          quick?: boolean;
          json?: boolean;
          issuance?: boolean | string;
          simulate?: boolean | string;
        }) => {
          const count = countOption(opts.issuance, "--issuance", 1_000_000);
          const devices = countOption(opts.simulate, "--simulate", MAX_SIMULATED_METERS);
          const bench = await loadBench();
          if (!opts.json)
            process.stderr.write(`zse bench: running${opts.quick ? " (quick)" : " (about 30 s)"}...\n`);
          const report = bench.runBench({ quick: opts.quick });
          if (opts.issuance !== undefined) report.issuance = await bench.runIssuanceBench({ count });
          if (opts.simulate !== undefined) report.simulation = bench.runSimulationBench(report, { devices });
          emit(opts, report, () => bench.formatBench(report));
        },
      ),
    );
}

/** The count of an option with an optional value: undefined (default) or an integer in 1..max. */
function countOption(v: boolean | string | undefined, flag: string, max: number): number | undefined {
  if (typeof v !== "string") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ZseError("BAD_VALUE", `${flag}: ${JSON.stringify(v)} is not a count in 1..${max}`);
  return n;
}
