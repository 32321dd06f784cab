/**
 * `zse ca init|issue|list|revoke|export`: a Certificate Authority for Smart Energy implicit
 * certificates (ECQV, SEC 4; SE 07-5356 C.4.2.2.4 suite 1, SE 1.4 C.6.2.2.4 suite 2). Every
 * option is parsed and checked before the registry is touched; a certificate is committed to
 * the registry before it is printed.
 */
import { performance } from "node:perf_hooks";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { CertificateAuthority, initCa } from "../../ca/authority.js";
import { type BatchSpec, runBatch } from "../../ca/batch.js";
import {
  type BatchFormat,
  exportC,
  issuedC,
  issuedHex,
  issuedJson,
  type OutputFormat,
} from "../../ca/formats.js";
import {
  isoSeconds,
  keyUsageNames,
  NO_EXPIRY,
  parseDuration,
  parseIssuer,
  parseKeyUsage,
  parseProfileData,
  parseSuite,
  parseSuites,
  parseTime,
  type Suite,
  validityWindow,
} from "../../ca/params.js";
import { fromHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { parseEui64 } from "../../util/eui64.js";
import { assertWritable, writeFileAtomic } from "../../util/files.js";
import { cryptoRng } from "../../util/rng.js";
import { action, emit, printJson } from "../output.js";

const nowSeconds = () => Math.floor(Date.now() / 1000);

interface IssueOpts {
  dir: string;
  subject: string;
  suite?: string;
  validFrom?: string;
  validFor?: string;
  validUntil?: string;
  expiry: boolean;
  keyUsage?: string;
  profileData?: string;
  request?: string;
  format?: string;
  out?: string;
  count?: string;
  workers?: string;
  chunk?: string;
}

function positiveInt(text: string, title: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new ZseError("BAD_VALUE", `${title}: "${text}" is not a positive integer`);
  }
  return Number(text);
}

/** Checks every issue option; returns the parsed request. Touches nothing on disk. */
function parseIssue(o: IssueOpts, defaultSuite: () => Suite) {
  const subject = parseEui64(o.subject, "--subject");
  const suite = o.suite !== undefined ? parseSuite(o.suite) : defaultSuite();
  const suite2Only: [string, unknown][] = [
    ["--valid-from", o.validFrom],
    ["--valid-for", o.validFor],
    ["--valid-until", o.validUntil],
    ["--key-usage", o.keyUsage],
  ];
  if (suite === 1) {
    const bad =
      suite2Only.find(([, v]) => v !== undefined) ?? (o.expiry === false ? ["--no-expiry", true] : undefined);
    if (bad)
      throw new ZseError("BAD_VALUE", `${bad[0]}: suite 1 certificates carry no validity or key usage`);
  } else if (o.profileData !== undefined) {
    throw new ZseError("BAD_VALUE", "--profile-data: only suite 1 certificates carry profile attribute data");
  }
  const given = [o.validFor, o.validUntil, o.expiry === false ? true : undefined].filter(
    (x) => x !== undefined,
  );
  if (given.length > 1)
    throw new ZseError("BAD_VALUE", "--valid-for, --valid-until and --no-expiry exclude each other");
  const validFrom = o.validFrom !== undefined ? parseTime(o.validFrom, "--valid-from") : nowSeconds();
  const window = validityWindow({
    validFrom,
    validFor: o.validFor !== undefined ? parseDuration(o.validFor, "--valid-for") : undefined,
    until: o.validUntil !== undefined ? parseTime(o.validUntil, "--valid-until") : undefined,
  });
  const keyUsage = o.keyUsage !== undefined ? parseKeyUsage(o.keyUsage) : 0x08;
  const profileData = o.profileData !== undefined ? parseProfileData(o.profileData) : new Uint8Array(10);
  const requestPoint = o.request !== undefined ? fromHex(o.request, "--request") : undefined;
  return {
    subject,
    suite,
    validFrom: window.validFrom,
    validTime: window.validFor,
    keyUsage,
    profileData,
    requestPoint,
  };
}

function registerInit(ca: Command): void {
  ca.command("init")
    .description("create a CA: key pairs per suite (files mode 0600) and a SQLite registry in <dir>")
    .requiredOption("--dir <dir>", "CA directory (created; must not hold a CA)")
    .option("--suite <suite>", "1, 2 or both", "both")
    .option("--issuer <id>", "issuer id: 8 bytes as 16 hex digits, or 8 ASCII characters (default: random)")
    .option("--json", "print one JSON document")
    .addHelpText("after", "\nExample:\n  zse ca init --dir ./my-ca --suite both --issuer TESTSECA")
    .action(
      action((o: { dir: string; suite: string; issuer?: string; json?: boolean }) => {
        const suites = parseSuites(o.suite);
        const issuer = o.issuer !== undefined ? parseIssuer(o.issuer) : undefined;
        const res = initCa({ dir: o.dir, suites, issuer, rng: cryptoRng, now: nowSeconds() });
        emit(o, { dir: o.dir, ...res }, () => [
          `CA created in ${o.dir}, issuer ${res.issuer}`,
          ...res.keys.map(
            (k) => `suite ${k.suite} CA public key ${k.publicKey} (private key in ${k.keyFile})`,
          ),
        ]);
      }),
    );
}

function registerIssue(ca: Command): void {
  ca.command("issue")
    .description("issue a certificate (or a batch of --count certificates for consecutive subjects)")
    .requiredOption("--dir <dir>", "CA directory")
    .requiredOption("--subject <eui64>", "subject EUI-64 (16 hex digits); the first one with --count")
    .option("--suite <suite>", "1 or 2 (default: 2 if this CA has a suite 2 key)")
    .option("--valid-from <time>", "suite 2: ISO 8601 time or Unix seconds (default: now)")
    .option("--valid-for <duration>", "suite 2: seconds or e.g. 10y, 30d, 12h (default: no expiry)")
    .option("--valid-until <time>", "suite 2: end of validity instead of --valid-for")
    .option("--no-expiry", "suite 2: valid time 0xFFFFFFFF (the default)")
    .option("--key-usage <list>", "suite 2: agreement,signature (default: agreement)")
    .option("--profile-data <hex>", "suite 1: 10 bytes of profile attribute data (default: zeros)")
    .option(
      "--request <point>",
      "the device's compressed request point R_U; the CA then returns r, not a key",
    )
    .option("--format <format>", "json | c | hex (single); jsonl | csv (batch, default from --out)")
    .option("--out <file>", "write to a file instead of stdout (required with --count)")
    .option("--count <n>", "batch: issue n certificates for subjects --subject, --subject + 1, ...")
    .option("--workers <n>", "batch: worker threads (default: available parallelism; 0 = main thread)")
    .option("--chunk <n>", "batch: certificates per worker task and registry transaction", "256")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  zse ca issue --dir ./my-ca --subject 0011223344556677 --valid-for 10y --format c",
        "  zse ca issue --dir ./my-ca --suite 2 --subject 0011223344550000 --count 1000 --out batch.jsonl",
        "Running a batch command again after an interruption resumes it.",
      ].join("\n"),
    )
    .action(
      action(async (o: IssueOpts) => {
        const count = o.count !== undefined ? positiveInt(o.count, "--count") : undefined;
        const workers = o.workers !== undefined ? Number(o.workers) : undefined;
        if (workers !== undefined && (!Number.isInteger(workers) || workers < 0)) {
          throw new ZseError("BAD_VALUE", `--workers: "${o.workers}" is not a whole number`);
        }
        const chunk = positiveInt(o.chunk ?? "256", "--chunk");
        if (count !== undefined) {
          if (o.request !== undefined)
            throw new ZseError(
              "BAD_VALUE",
              "--request: a batch generates its key pairs (no --request with --count)",
            );
          if (o.out === undefined) throw new ZseError("BAD_VALUE", "--count: a batch needs --out <file>");
          const f = o.format ?? (o.out.endsWith(".csv") ? "csv" : "jsonl");
          if (f !== "jsonl" && f !== "csv" && f !== "json")
            throw new ZseError("BAD_VALUE", `--format: "${f}" is not jsonl or csv for a batch`);
          const format: BatchFormat = f === "csv" ? "csv" : "jsonl";
          assertWritable(o.out, "--out");
          return issueBatch(o, { count, format, workers, chunk, out: o.out });
        }
        const format = (o.format ?? "json") as OutputFormat;
        if (!["json", "c", "hex"].includes(format))
          throw new ZseError("BAD_VALUE", `--format: "${o.format}" is not json, c or hex`);
        // Parse everything before opening the registry, and check the output file can be
        // written before issuing: a private key that cannot be written out is lost.
        let authority: CertificateAuthority | undefined;
        const open = () => (authority ??= CertificateAuthority.open(o.dir));
        const req = parseIssue(o, () => defaultSuite(open()));
        if (o.out !== undefined) assertWritable(o.out, "--out");
        try {
          const view = open().issue({ ...req, rng: cryptoRng, now: nowSeconds() });
          const text =
            format === "json"
              ? `${JSON.stringify(issuedJson(view), null, 2)}\n`
              : format === "c"
                ? issuedC(view)
                : `${issuedHex(view)}\n`;
          if (o.out !== undefined) writeFileAtomic(o.out, text, 0o600, "--out");
          else process.stdout.write(text);
        } finally {
          authority?.close();
        }
      }),
    );
}

function defaultSuite(ca: CertificateAuthority): Suite {
  const suites = ca.registry.caKeys().map((k) => k.suite);
  return suites.includes(2) || suites.length === 0 ? 2 : suites[0];
}

async function issueBatch(
  o: IssueOpts,
  b: { count: number; format: BatchFormat; workers?: number; chunk: number; out: string },
): Promise<void> {
  const ca = CertificateAuthority.open(o.dir);
  let bar: SingleBar | undefined;
  let firstDone = 0;
  let committed = 0;
  let started = performance.now();
  // Ctrl-C: commits are synchronous, so the handler never runs inside a transaction.
  const onSigint = () => {
    bar?.stop();
    process.stderr.write(`zse: interrupted after ${committed} committed; run the same command to resume\n`);
    process.exit(130);
  };
  process.once("SIGINT", onSigint);
  try {
    const req = parseIssue(o, () => defaultSuite(ca));
    // Without --valid-from a new batch starts now and a resumed one keeps its recorded start.
    const spec: BatchSpec = {
      ...req,
      validFrom: o.validFrom !== undefined ? req.validFrom : undefined,
      firstSubject: req.subject,
      count: b.count,
    };
    const res = await runBatch({
      ca,
      spec,
      out: b.out,
      format: b.format,
      workers: b.workers,
      chunk: b.chunk,
      clock: nowSeconds,
      rng: cryptoRng,
      onStart: (s) => {
        if (s.resumed) process.stderr.write(`zse: resuming batch ${s.batchId} at ${s.done}/${s.total}\n`);
        if (process.stderr.isTTY) {
          bar = new SingleBar({
            stream: process.stderr,
            format: "issuing [{bar}] {value}/{total} {percentage}% | {speed}/s | ETA {eta}s",
            hideCursor: true,
          });
          bar.start(s.total, s.done, { speed: 0 });
        }
        firstDone = s.done;
        committed = s.done;
        started = performance.now();
      },
      onProgress: (done) => {
        committed = done;
        const secs = (performance.now() - started) / 1000;
        bar?.update(done, { speed: secs > 0 ? Math.round((done - firstDone) / secs) : 0 });
      },
    });
    bar?.stop();
    process.stderr.write(
      `zse: issued ${res.issued} certificates in ${res.seconds.toFixed(2)} s (${Math.round(res.perSecond)}/s)\n`,
    );
    printJson({
      ...res,
      out: b.out,
      format: b.format,
      seconds: Number(res.seconds.toFixed(3)),
      perSecond: Math.round(res.perSecond),
    });
  } finally {
    process.off("SIGINT", onSigint);
    bar?.stop();
    ca.close();
  }
}

function registerList(ca: Command): void {
  ca.command("list")
    .description("list the certificates in the registry")
    .requiredOption("--dir <dir>", "CA directory")
    .option("--revoked", "only revoked certificates")
    .option("--json", "print one JSON document")
    .action(
      action((o: { dir: string; revoked?: boolean; json?: boolean }) => {
        const authority = CertificateAuthority.open(o.dir);
        try {
          const recs = authority.registry.list({ revoked: o.revoked });
          const rows = recs.map((r) => ({
            serial: r.serial,
            suite: r.suite,
            subject: r.subject,
            validFrom: r.validFrom === null ? null : isoSeconds(r.validFrom),
            validTo:
              r.validFrom === null || r.validFor === null || r.validFor === NO_EXPIRY
                ? null
                : isoSeconds(r.validFrom + r.validFor),
            keyUsage: r.keyUsage === null ? null : keyUsageNames(r.keyUsage),
            mode: r.mode,
            batch: r.batchId,
            issuedAt: isoSeconds(r.issuedAt),
            revokedAt: r.revokedAt === null ? null : isoSeconds(r.revokedAt),
            certificate: r.certificate,
          }));
          emit(o, { issuer: authority.issuer, count: rows.length, certificates: rows }, () =>
            rows.length === 0
              ? "no certificates"
              : rows.map(
                  (r) =>
                    `${r.serial}  suite ${r.suite}  ${r.subject}  ${r.validTo ?? "no expiry"}  ${r.revokedAt ? `REVOKED ${r.revokedAt}` : "live"}`,
                ),
          );
        } finally {
          authority.close();
        }
      }),
    );
}

function registerRevoke(ca: Command): void {
  ca.command("revoke")
    .description("revoke a certificate by serial, or every live certificate of a subject")
    .requiredOption("--dir <dir>", "CA directory")
    .option("--serial <hex>", "serial number (16 hex digits, as ca list shows it)")
    .option("--subject <eui64>", "subject EUI-64")
    .option("--json", "print one JSON document")
    .action(
      action((o: { dir: string; serial?: string; subject?: string; json?: boolean }) => {
        if ((o.serial === undefined) === (o.subject === undefined)) {
          throw new ZseError("BAD_VALUE", "give exactly one of --serial and --subject");
        }
        let serial: string | undefined;
        if (o.serial !== undefined) {
          const b = fromHex(o.serial, "--serial");
          if (b.length === 0 || b.length > 8)
            throw new ZseError("BAD_VALUE", `--serial: "${o.serial}" is not 1..8 bytes of hex`);
          serial = Buffer.from(b).toString("hex").padStart(16, "0");
        }
        const subject =
          o.subject !== undefined
            ? Buffer.from(parseEui64(o.subject, "--subject")).toString("hex")
            : undefined;
        const authority = CertificateAuthority.open(o.dir);
        try {
          const revoked = authority.registry.revoke({ serial, subject, now: nowSeconds() });
          const out = revoked.map((r) => ({
            serial: r.serial,
            suite: r.suite,
            subject: r.subject,
            revokedAt: isoSeconds(r.revokedAt!),
          }));
          emit(o, { revoked: out }, () =>
            out.map((r) => `revoked ${r.serial} (suite ${r.suite}, subject ${r.subject})`),
          );
        } finally {
          authority.close();
        }
      }),
    );
}

function registerExport(ca: Command): void {
  ca.command("export")
    .description("export the CA public keys and, with --revoked, the revocation list a Trust Center loads")
    .requiredOption("--dir <dir>", "CA directory")
    .option("--revoked", "include the revoked certificates")
    .option("--format <format>", "json | c", "json")
    .option("--out <file>", "write to a file instead of stdout")
    .action(
      action((o: { dir: string; revoked?: boolean; format: string; out?: string }) => {
        if (o.format !== "json" && o.format !== "c")
          throw new ZseError("BAD_VALUE", `--format: "${o.format}" is not json or c`);
        const authority = CertificateAuthority.open(o.dir);
        try {
          const data = authority.exportData({ revoked: o.revoked });
          const text = o.format === "c" ? exportC(data) : `${JSON.stringify(data, null, 2)}\n`;
          if (o.out !== undefined) writeFileAtomic(o.out, text, 0o644, "--out");
          else process.stdout.write(text);
        } finally {
          authority.close();
        }
      }),
    );
}

export function register(program: Command): void {
  const ca = program.command("ca").description("Certificate Authority: init, issue, list, revoke, export");
  registerInit(ca);
  registerIssue(ca);
  registerList(ca);
  registerRevoke(ca);
  registerExport(ca);
}
