/**
 * CA issuance benchmark (issue 4): `node --import tsx bench/ca-issuance.ts [count] [suite] [workers]`.
 * Prints one JSON document: certificates/s through the batch path, registry consistency, and the
 * registry's own commit ceiling.
 */
import { benchIssuance } from "../src/ca/bench.js";

const [count, suite, workers] = process.argv.slice(2).map(Number);
const res = await benchIssuance({
  count: count || undefined,
  suite: suite === 1 ? 1 : 2,
  workers: Number.isInteger(workers) ? workers : undefined,
});
process.stdout.write(
  `${JSON.stringify(
    {
      ...res,
      seconds: Number(res.seconds.toFixed(2)),
      perSecond: Math.round(res.perSecond),
      cpuMsPerCertificate: Number(res.cpuMsPerCertificate.toFixed(3)),
      registryRowsPerSecond: Math.round(res.registryRowsPerSecond),
    },
    null,
    2,
  )}\n`,
);
