/**
 * `zse bench [--json] [--quick]`: the benchmark report of bench/index.ts (issue 3 item 6):
 * per-suite medians and the same run's node:crypto baseline with `ratio`. The benchmarks
 * live in bench/ beside the code, so this runs from a source checkout (as `npm run bench`).
 */
import type { Command } from "commander";
import { ZseError } from "../../util/errors.js";
import { action, emit } from "../output.js";

interface BenchModule {
  runBench(opts: { quick?: boolean }): { issuance?: unknown };
  runIssuanceBench(opts: { count?: number }): Promise<unknown>;
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
    .addHelpText(
      "after",
      "\nratio = cbkeSideUs / baselineSideUs, baseline = 4 x node:crypto EC keygen in the same run.\nExample:\n  zse bench --quick --json\n  zse bench --issuance 5000",
    )
    .action(
      action(async (opts: { quick?: boolean; json?: boolean; issuance?: boolean | string }) => {
        let count: number | undefined;
        if (typeof opts.issuance === "string") {
          count = Number(opts.issuance);
          if (!Number.isInteger(count) || count < 1) {
            throw new ZseError(
              "BAD_VALUE",
              `--issuance: ${JSON.stringify(opts.issuance)} is not a positive count`,
            );
          }
        }
        const bench = await loadBench();
        if (!opts.json)
          process.stderr.write(`zse bench: running${opts.quick ? " (quick)" : " (about 30 s)"}...\n`);
        const report = bench.runBench({ quick: opts.quick });
        if (opts.issuance !== undefined) report.issuance = await bench.runIssuanceBench({ count });
        emit(opts, report, () => bench.formatBench(report));
      }),
    );
}
