/**
 * Benchmarks of the SE layer (issue 3 item 6, issue 4): certificate public-key
 * reconstruction (ECQV, SEC 4 §3.5), the ECMQV shared point (SEC 1 §3.4), one full CBKE side
 * (ephemeral key generation + partner key reconstruction + ECMQV + KDF + both MACs), and
 * certificate issuance per second (CA-generated keys and request mode). In the same run,
 * interleaved round by round with the CBKE side so machine load hits both alike, the native
 * baseline: node:crypto generateKeyPairSync('ec', {namedCurve}) (one OpenSSL scalar
 * multiplication); baselineSideUs = 4 × its median, ratio = cbkeSideUs / baselineSideUs.
 */
import { generateKeyPairSync } from "node:crypto";
import { curveForSuite } from "../src/crypto/curves.js";
import { ecmqvSharedPoint } from "../src/crypto/ecmqv.js";
import { ecqvIssue } from "../src/crypto/ecqv.js";
import { cbkeDerive, generateEphemeralKey } from "../src/se/cbke.js";
import { encodeCertificate } from "../src/se/certificate.js";
import { certificatePublicKeyPoint } from "../src/se/certificate-key.js";
import { type Suite, suiteInfo } from "../src/se/suites.js";
import { SeededRng } from "../src/util/rng.js";

export interface CbkeBench {
  certReconstructUs: number;
  ecmqvUs: number;
  cbkeSideUs: number;
  issuePerSec: number;
  issueRequestPerSec: number;
  nodeKeygenUs: number;
  baselineSideUs: number;
  ratio: number;
}

export interface BenchRunOptions {
  /** Rounds per median. */
  rounds: number;
  /** Calls per round. */
  inner: number;
  /** Warm-up time before measuring (ms, default 300). */
  warmupMs?: number;
}

/** Median microseconds per call of `fn` over `rounds` rounds of `inner` calls (after a warm-up). */
export function medianUs(fn: () => void, opts: BenchRunOptions): number {
  return medianPair(fn, undefined, opts)[0];
}

/**
 * The benchmark clock in µs: this process's CPU time (user + system, process.cpuUsage) when
 * ZSE_BENCH_CLOCK is unset or "cpu", so other processes on a shared machine do not inflate the
 * figures; wall time (performance.now) with ZSE_BENCH_CLOCK=wall.
 */
export function clockUs(): number {
  if (process.env.ZSE_BENCH_CLOCK === "wall") return performance.now() * 1000;
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Medians of two functions measured in alternating rounds. */
export function medianPair(
  a: () => void,
  b: (() => void) | undefined,
  opts: BenchRunOptions,
): [number, number] {
  // Warm-up by time, so the JIT has optimised the hot paths before anything is measured.
  const until = performance.now() + (opts.warmupMs ?? 300);
  for (let i = 0; i < 2 || performance.now() < until; i++) {
    a();
    b?.();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  const time = (fn: () => void) => {
    const s = clockUs();
    for (let i = 0; i < opts.inner; i++) fn();
    return (clockUs() - s) / opts.inner;
  };
  for (let r = 0; r < opts.rounds; r++) {
    ta.push(time(a));
    if (b) tb.push(time(b));
  }
  const med = (t: number[]) => (t.length ? t.sort((x, y) => x - y)[t.length >> 1] : Number.NaN);
  return [med(ta), med(tb)];
}

/** A synthetic certificate around `point` for `suite` (fixed fields, subject from `i`). */
function certificateFor(suite: Suite, point: Uint8Array, i: number): Uint8Array {
  const subject = new Uint8Array(8);
  new DataView(subject.buffer).setUint32(4, i);
  const issuer = new TextEncoder().encode("BENCH-CA");
  if (suite === 1) {
    return encodeCertificate({
      suite,
      reconstructionPoint: point,
      subject,
      issuer,
      profileData: new Uint8Array(10),
    });
  }
  return encodeCertificate({
    suite,
    type: 0,
    serial: subject,
    curve: 0x0d,
    hash: 0x08,
    issuer,
    validFrom: 1_700_000_000,
    validTime: 0xffffffff,
    subject,
    keyUsage: 0x08,
    reconstructionPoint: point,
  });
}

/** Two implicit certificates of a fresh CA and one CBKE side between them, as the benchmark times it. */
function cbkeSideFixture(suite: Suite, rng: SeededRng) {
  const curve = curveForSuite(suite);
  const caPrivate = curve.randomScalar(rng);
  const caPublicKey = curve.encodePoint(curve.mulBase(caPrivate));
  let serial = 0;
  const encodeWith = (p: Uint8Array) => certificateFor(suite, p, serial++);
  const issue = () => ecqvIssue({ curve, caPrivateKey: caPrivate, encodeWith, rng });
  const u = issue();
  const v = issue();
  const dU = u.privateKey ?? 1n;
  const subjectOf = (c: Uint8Array) => c.slice(suite === 1 ? 22 : 28, suite === 1 ? 30 : 36);
  const vEph = generateEphemeralKey(suite, rng);
  const uKey = curve.scalarToBytes(dU);
  /** One full side: ephemeral key generation + partner key reconstruction + ECMQV + KDF + MACs. */
  const side = () => {
    const eph = generateEphemeralKey(suite, rng);
    cbkeDerive({
      suite,
      role: "initiator",
      caPublicKey,
      local: {
        eui64: subjectOf(u.certificate),
        certificate: u.certificate,
        privateKey: uKey,
        ephemeralPrivateKey: eph.privateKey,
        ephemeralPublicKey: eph.publicKey,
      },
      remote: {
        eui64: subjectOf(v.certificate),
        certificate: v.certificate,
        ephemeralPublicKey: vEph.publicKey,
      },
    });
  };
  return { curve, caPrivate, caPublicKey, encodeWith, issue, v, vEph, dU, side };
}

/**
 * The median µs of one CBKE side alone (after the warm-up), as `zse bench` reports
 * `cbkeSideUs`: for a figure taken in the same process, next to other work, as a denominator
 * the machine's drifting speed hits alike.
 */
export function cbkeSideMedianUs(suite: Suite, opts: BenchRunOptions): number {
  return medianUs(cbkeSideFixture(suite, new SeededRng(`bench-${suite}`)).side, opts);
}

/**
 * Two suite 2 CBKE sides in ms, timed as `zse bench` times one (median of 21 rounds of 2): the
 * denominator the simulation's child processes take right after their runs.
 */
export function adjacentTwoSidesMs(): number {
  return (2 * cbkeSideMedianUs(2, { rounds: 21, inner: 2 })) / 1000;
}

/** Runs the SE benchmarks for one suite. */
export function benchCbkeSuite(suite: Suite, opts: BenchRunOptions): CbkeBench {
  const rng = new SeededRng(`bench-${suite}`);
  const { curve, caPrivate, caPublicKey, encodeWith, issue, v, vEph, dU, side } = cbkeSideFixture(suite, rng);

  const certReconstructUs = medianUs(
    () => certificatePublicKeyPoint({ certificate: v.certificate, caPublicKey }),
    opts,
  );
  const qSV = certificatePublicKeyPoint({ certificate: v.certificate, caPublicKey });
  const qEV = curve.decodePoint(vEph.publicKey);
  const dE = curve.randomScalar(rng);
  const qE = curve.mulBase(dE);
  const ecmqvUs = medianUs(
    () =>
      ecmqvSharedPoint({
        curve,
        staticPrivateKey: dU,
        ephemeralPrivateKey: dE,
        ephemeralPublicKey: qE,
        partnerStaticPublicKey: qSV,
        partnerEphemeralPublicKey: qEV,
      }),
    opts,
  );
  const namedCurve = suiteInfo(suite).curveName;
  const [cbkeSideUs, nodeKeygenUs] = medianPair(side, () => generateKeyPairSync("ec", { namedCurve }), opts);
  const issueUs = medianUs(issue, opts);
  const request = curve.mulBase(curve.randomScalar(rng));
  const issueRequestUs = medianUs(
    () => ecqvIssue({ curve, caPrivateKey: caPrivate, requestPoint: request, encodeWith, rng }),
    opts,
  );
  const baselineSideUs = 4 * nodeKeygenUs;
  return {
    certReconstructUs,
    ecmqvUs,
    cbkeSideUs,
    issuePerSec: 1e6 / issueUs,
    issueRequestPerSec: 1e6 / issueRequestUs,
    nodeKeygenUs,
    baselineSideUs,
    ratio: cbkeSideUs / baselineSideUs,
  };
}
