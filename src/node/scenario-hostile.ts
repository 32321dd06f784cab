/**
 * The "hostile" scenario of `zse simulate` (issue 9 item 2): while the legitimate meters join
 * and run CBKE, rogue devices on the same simulated network attack the Trust Center, and every
 * attempt is recorded with the outcome the specification calls for and the one observed:
 * - a join without a registered install code: refused (SE 07-5356 5.4.4; Zigbee 05-3474 4.6.3.2);
 * - certificates from another CA (UNKNOWN_ISSUER), with a subject that is not the sender
 *   (BAD_MESSAGE), revoked or expired (INVALID_CERTIFICATE) — SE C.3.1.2.3 / Table C-10;
 * - ephemeral points off the curve or at infinity (BAD_MESSAGE: SEC 1 3.2.2.1 partial public-key
 *   validation fails), a low-order point (passes partial validation; cofactor ECMQV, SEC 1 3.4,
 *   removes it, so no key results without a valid MACU: BAD_KEY_CONFIRM or BAD_MESSAGE);
 * - a wrong MACU (BAD_KEY_CONFIRM, SE C.4.2.2.6); a whole earlier session replayed verbatim
 *   (the TC's fresh ephemeral key makes the old MACU wrong: BAD_KEY_CONFIRM, key unchanged);
 * - a flood of Initiate KE Requests (at most `maxSessions` sessions, the rest NO_RESOURCES);
 * - a secured frame replayed with its old frame counter (silently dropped, 05-3474 4.3.1.2).
 */

import { curveForSuite } from "../crypto/curves.js";
import { cbkeCrypto } from "../engine/ke-crypto.js";
import type { KeCrypto, KeSuiteCredentials } from "../engine/ke-types.js";
import type { Eui64Hex } from "../engine/types.js";
import type { SimClock } from "../net/sim/clock.js";
import type { AirFrame, SimNetwork } from "../net/sim/network.js";
import { SimStack } from "../net/sim/stack.js";
import { cbkeDerive, generateEphemeralKey } from "../se/cbke.js";
import type { RevocationList } from "../se/certificate-checks.js";
import { makeInstallCode } from "../se/install-code.js";
import { MemoryStore } from "../store/memory-store.js";
import { equalBytes, fromHex, wipe } from "../util/bytes.js";
import type { SeededRng } from "../util/rng.js";
import { CLUSTER_KEY_ESTABLISHMENT, PROFILE_SE } from "../zcl/ids.js";
import { decodeKeFrame, encodeKeFrame, type KeMessage, keTerminateStatusName } from "../zcl/ke-commands.js";
import { SIM_VALID_FROM, type SimulationCa, simulationCa } from "./sim-ca.js";
import type { TrustCenter } from "./trust-center.js";

/** One attack attempt as the --json summary lists it. */
export interface AttackRecord {
  attack: string;
  device: Eui64Hex;
  expected: string;
  actual: string;
  ok: boolean;
  detail?: string;
}

/** Wall-clock time (ms) the TC checks certificate validity against: one year after valid-from. */
export const HOSTILE_WALL_MS = (SIM_VALID_FROM + 365 * 86_400) * 1000;
const FLOOD = 12;
const TC_ENDPOINT = 240;
const REPLY_WAIT_MS = 20_000;

export interface HostileContext {
  suite: 1 | 2;
  rng: SeededRng;
  ca: SimulationCa;
  network: SimNetwork;
  clock: SimClock;
  tc: TrustCenter;
  tcEui64: Eui64Hex;
  tcDrops: () => readonly { reason: string }[];
  maxSessions: number;
  /** A legitimate meter: its EUI-64 for the subject attack and its frames for the replay. */
  meterEui64: Eui64Hex;
  note: (who: string, what: string) => void;
}

/**
 * The scenario's Trust Center crypto: the real CBKE with a revocation list the scenario fills
 * and certificate validity checked at HOSTILE_WALL_MS plus the virtual time.
 */
export function hostileTcCrypto(opts: { revoked: RevocationList; clock: SimClock }): KeCrypto {
  const base = cbkeCrypto({ revoked: () => opts.revoked });
  return {
    ...base,
    checkCertificate: (input) =>
      base.checkCertificate({ ...input, at: input.at ?? new Date(HOSTILE_WALL_MS + opts.clock.now()) }),
  };
}

type Reply = KeMessage | "none";

/** A rogue device: a joined SimStack that speaks the KE cluster frame by frame. */
class Rogue {
  readonly stack: SimStack;
  private seq = 0x40;
  private inbox: KeMessage[] = [];
  private waiter: ((m: Reply) => void) | undefined;
  readonly sent: Uint8Array[] = [];

  constructor(
    private readonly ctx: HostileContext,
    readonly eui64: Eui64Hex,
    name: string,
  ) {
    this.stack = new SimStack({ network: ctx.network, eui64, name, store: new MemoryStore(), rng: ctx.rng });
    this.stack.on("data", (d) => {
      if (d.from !== ctx.tcEui64 || d.cluster !== CLUSTER_KEY_ESTABLISHMENT) return;
      let m: KeMessage;
      try {
        m = decodeKeFrame(d.payload).message;
      } catch {
        return; // a Default Response or another global frame
      }
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(m);
      } else this.inbox.push(m);
    });
  }

  /** Joins with an install code the TC knows (`register`) or with an unknown key. */
  async join(register: boolean): Promise<string> {
    const ic = makeInstallCode(this.ctx.rng.bytes(16));
    if (register) this.ctx.tc.addDeviceLinkKeyByInstallCode(this.eui64, ic.installCode);
    const r = await this.stack.join({ preconfiguredKey: ic.linkKey, label: "install-code link key" });
    return r.status;
  }

  sendRaw(frame: Uint8Array): void {
    this.sent.push(frame);
    void this.stack.sendData({
      to: this.ctx.tcEui64,
      dstEndpoint: TC_ENDPOINT,
      srcEndpoint: TC_ENDPOINT,
      cluster: CLUSTER_KEY_ESTABLISHMENT,
      profile: PROFILE_SE,
      payload: frame,
      apsSecurity: false,
      label: "rogue KE frame",
    });
  }

  send(message: KeMessage): void {
    this.seq = (this.seq + 1) & 0xff;
    this.sendRaw(encodeKeFrame({ seq: this.seq, direction: "client-to-server", message }));
  }

  /** The next KE command from the TC, or "none" after REPLY_WAIT_MS of virtual time. */
  next(): Promise<Reply> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise<Reply>((resolve) => {
      const timer = this.ctx.clock.after(REPLY_WAIT_MS, () => {
        if (this.waiter === done) this.waiter = undefined;
        resolve("none");
      });
      const done = (r: Reply) => {
        this.ctx.clock.cancel(timer);
        resolve(r);
      };
      this.waiter = done;
    });
  }

  /** Initiate KE with `certificate`; retries after NO_RESOURCES like a real initiator. */
  async initiate(certificate: Uint8Array): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      this.send({
        command: "initiate",
        suite: this.ctx.suite,
        ephemeralDataGenerateTime: 10,
        confirmKeyGenerateTime: 10,
        certificate,
      });
      const r = await this.next();
      if (r === "none" || r.command !== "terminate" || keTerminateStatusName(r.status) !== "NO_RESOURCES")
        return r;
      if (attempt >= 10) return r;
      await this.sleep(Math.max(1, r.waitTime) * 1000);
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.ctx.clock.after(ms, resolve));
  }
}

function outcome(r: Reply, success: KeMessage["command"]): string {
  if (r === "none") return "no answer";
  if (r.command === "terminate") return keTerminateStatusName(r.status);
  return r.command === success ? `${success} response` : `${r.command} response`;
}

/** Runs every attack; resolves with one record per attempt. */
export async function runHostileAttacks(
  ctx: HostileContext,
  revoked: RevocationList,
): Promise<AttackRecord[]> {
  const records: AttackRecord[] = [];
  const record = (r: Omit<AttackRecord, "ok">, ok?: boolean) => {
    const full = { ...r, ok: ok ?? r.expected === r.actual };
    records.push(full);
    ctx.note("attacker", `${r.attack}: expected ${r.expected}, got ${r.actual}`);
  };
  const curve = curveForSuite(ctx.suite);
  let n = 0;
  const rogueEui = () => `00deadbe${(++n).toString(16).padStart(8, "0")}`;
  const joined = async (name: string) => {
    const r = new Rogue(ctx, rogueEui(), name);
    const status = await r.join(true);
    return { r, status };
  };

  // Secured frames of the meter, for the replay at the end.
  const meterFrames: AirFrame[] = [];
  ctx.network.onAir((f) => {
    if (f.kind === "aps" && f.src === ctx.meterEui64 && f.dst === ctx.tcEui64 && meterFrames.length < 4)
      meterFrames.push({ ...f, bytes: Uint8Array.from(f.bytes) });
  });

  // 1. no install code
  {
    const r = new Rogue(ctx, rogueEui(), "rogue-no-ic");
    const status = await r.join(false);
    record({ attack: "join without an install code", device: r.eui64, expected: "REFUSED", actual: status });
  }

  // Certificate attacks: each from a joined rogue, Initiate KE with a bad certificate.
  const certAttack = async (attack: string, expected: string, cert: (eui: Eui64Hex) => Uint8Array) => {
    const { r, status } = await joined(`rogue-${attack.split(" ")[0]}`);
    if (status !== "SUCCESS") {
      record({ attack, device: r.eui64, expected, actual: `join ${status}` });
      return;
    }
    const reply = await r.initiate(cert(r.eui64));
    record({ attack, device: r.eui64, expected, actual: outcome(reply, "initiate") });
  };
  const foreign = simulationCa({ suite: ctx.suite, rng: ctx.rng });
  await certAttack(
    "certificate from another CA",
    "UNKNOWN_ISSUER",
    (eui) => foreign.issue(eui, { issuer: new TextEncoder().encode("EVIL-CA!") }).certificate,
  );
  await certAttack(
    "certificate subject is not the sender",
    "BAD_MESSAGE",
    () => ctx.ca.issue(ctx.meterEui64).certificate,
  );
  await certAttack("revoked certificate", "INVALID_CERTIFICATE", (eui) => {
    const c = ctx.ca.issue(eui).certificate;
    (revoked.certificates as Uint8Array[]).push(c);
    return c;
  });
  if (ctx.suite === 2) {
    await certAttack(
      "expired certificate",
      "INVALID_CERTIFICATE",
      (eui) => ctx.ca.issue(eui, { validFrom: SIM_VALID_FROM, validTime: 86_400 }).certificate,
    );
  }

  // A rogue with a valid certificate up to the Initiate KE Response.
  const started = async (name: string) => {
    const { r, status } = await joined(name);
    const creds = ctx.ca.issue(r.eui64);
    const reply = status === "SUCCESS" ? await r.initiate(creds.certificate) : "none";
    return { r, creds, ready: reply !== "none" && reply.command === "initiate", reply };
  };
  const pointAttack = async (attack: string, expected: string[], point: Uint8Array, mac: boolean) => {
    const s = await started(`rogue-point-${records.length}`);
    if (!s.ready) {
      record(
        { attack, device: s.r.eui64, expected: expected.join(" or "), actual: outcome(s.reply, "initiate") },
        false,
      );
      return;
    }
    s.r.send({ command: "ephemeral", publicKey: point });
    let reply = await s.r.next();
    if (mac && reply !== "none" && reply.command === "ephemeral") {
      s.r.send({ command: "confirm", mac: ctx.rng.bytes(16) });
      reply = await s.r.next();
    }
    const actual = outcome(reply, "ephemeral");
    const key = ctx.tc.device(s.r.eui64)?.tcLinkKey;
    record(
      {
        attack,
        device: s.r.eui64,
        expected: expected.join(" or "),
        actual,
        detail: key ? "TC holds a key" : "no key at the TC",
      },
      expected.includes(actual) && !key,
    );
  };
  await pointAttack("ephemeral point off the curve", ["BAD_MESSAGE"], offCurvePoint(ctx), false);
  await pointAttack("ephemeral point at infinity", ["BAD_MESSAGE"], new Uint8Array(curve.pointBytes), false);
  const lowOrder = new Uint8Array(curve.pointBytes);
  lowOrder[0] = 0x02; // x = 0: the point (0, sqrt(b)) of order 2 (SEC 2 Koblitz curves have b = 1)
  await pointAttack("low-order ephemeral point", ["BAD_MESSAGE", "BAD_KEY_CONFIRM"], lowOrder, true);

  // Wrong MACU after an honest ephemeral exchange.
  {
    const s = await started("rogue-mac");
    const eph = generateEphemeralKey(ctx.suite, ctx.rng);
    let actual = outcome(s.reply, "initiate");
    if (s.ready) {
      s.r.send({ command: "ephemeral", publicKey: eph.publicKey });
      const e = await s.r.next();
      actual = outcome(e, "ephemeral");
      if (e !== "none" && e.command === "ephemeral") {
        s.r.send({ command: "confirm", mac: ctx.rng.bytes(16) });
        actual = outcome(await s.r.next(), "confirm");
      }
    }
    wipe(eph.privateKey);
    record({ attack: "wrong MACU", device: s.r.eui64, expected: "BAD_KEY_CONFIRM", actual });
  }

  // A complete honest session, then the same frames replayed verbatim later.
  {
    const s = await started("rogue-replay");
    let first = outcome(s.reply, "initiate");
    if (s.ready && s.reply !== "none" && s.reply.command === "initiate") {
      const tcCert = s.reply.certificate;
      const eph = generateEphemeralKey(ctx.suite, ctx.rng);
      s.r.send({ command: "ephemeral", publicKey: eph.publicKey });
      const e = await s.r.next();
      first = outcome(e, "ephemeral");
      if (e !== "none" && e.command === "ephemeral") {
        const k = deriveInitiator(ctx, s.r.eui64, s.creds, eph, tcCert, e.publicKey);
        s.r.send({ command: "confirm", mac: k.macU });
        const c = await s.r.next();
        first = outcome(c, "confirm");
        wipe(k.keyData);
      }
      wipe(eph.privateKey);
    }
    const keyBefore = ctx.tc.device(s.r.eui64)?.tcLinkKey;
    const frames = [...s.r.sent];
    // wait past the responder's duplicate window, then replay the session byte for byte
    await s.r.sleep(65_000);
    let actual = "no answer";
    for (const f of frames) {
      s.r.sendRaw(f);
      const reply = await s.r.next();
      actual = outcome(reply, "confirm");
      if (reply === "none" || reply.command === "terminate") break;
    }
    const keyAfter = ctx.tc.device(s.r.eui64)?.tcLinkKey;
    const unchanged = !!keyBefore && !!keyAfter && equalBytes(keyBefore, keyAfter);
    record(
      {
        attack: "earlier KE session replayed",
        device: s.r.eui64,
        expected: "BAD_KEY_CONFIRM",
        actual,
        detail: `first session: ${first}; TC key ${unchanged ? "unchanged" : "changed or missing"}`,
      },
      actual === "BAD_KEY_CONFIRM" && first === "confirm response" && unchanged,
    );
  }

  // Flood: many rogues send Initiate KE at the same moment and never continue.
  {
    const rogues = [];
    for (let i = 0; i < FLOOD; i++) rogues.push((await joined(`rogue-flood-${i + 1}`)).r);
    const certs = rogues.map((r) => ctx.ca.issue(r.eui64).certificate);
    for (const [i, r] of rogues.entries()) {
      r.send({
        command: "initiate",
        suite: ctx.suite,
        ephemeralDataGenerateTime: 10,
        confirmKeyGenerateTime: 10,
        certificate: certs[i],
      });
    }
    const replies = await Promise.all(rogues.map((r) => r.next()));
    const granted = replies.filter((r) => r !== "none" && r.command === "initiate").length;
    const busy = replies.filter(
      (r) => r !== "none" && r.command === "terminate" && keTerminateStatusName(r.status) === "NO_RESOURCES",
    ).length;
    record(
      {
        attack: `flood of ${FLOOD} Initiate KE Requests`,
        device: `${rogues[0].eui64}..${rogues[FLOOD - 1].eui64}`,
        expected: `<= ${ctx.maxSessions} sessions, the rest NO_RESOURCES`,
        actual: `${granted} sessions, ${busy} NO_RESOURCES`,
      },
      granted <= ctx.maxSessions && granted + busy === FLOOD,
    );
  }

  // A secured frame of the meter replayed with its old frame counter.
  {
    const f = meterFrames[0];
    if (!f) {
      record({
        attack: "secured frame replayed",
        device: ctx.meterEui64,
        expected: "dropped",
        actual: "no frame captured",
      });
    } else {
      const before = ctx.tcDrops().length;
      ctx.network.transmit({ ...f, label: `${f.label} (replayed by attacker)` });
      await new Promise<void>((resolve) => ctx.clock.after(1000, resolve));
      const drops = ctx.tcDrops().slice(before);
      const replay = drops.find((d) => /replayed/.test(d.reason));
      record({
        attack: "secured frame replayed with an old frame counter",
        device: ctx.meterEui64,
        expected: "dropped",
        actual: replay ? "dropped" : "accepted",
        ...(replay ? { detail: replay.reason } : {}),
      });
    }
  }
  return records;
}

/** A compressed point whose x has no point on the curve (SEC 1 2.3.4 step 2.4 fails). */
function offCurvePoint(ctx: HostileContext): Uint8Array {
  const curve = curveForSuite(ctx.suite);
  for (;;) {
    const p = ctx.rng.bytes(curve.pointBytes);
    p[0] = 0x02;
    p[1] &= 0x07; // x < 2^m for both m = 163 (21 bytes) and m = 283 (36 bytes)
    try {
      curve.decodePoint(p);
    } catch {
      return p;
    }
  }
}

function deriveInitiator(
  ctx: HostileContext,
  eui64: Eui64Hex,
  creds: KeSuiteCredentials,
  eph: { privateKey: Uint8Array; publicKey: Uint8Array },
  tcCertificate: Uint8Array,
  tcEphemeral: Uint8Array,
) {
  return cbkeDerive({
    suite: ctx.suite,
    role: "initiator",
    caPublicKey: creds.caPublicKey,
    local: {
      eui64: fromHex(eui64),
      certificate: creds.certificate,
      privateKey: creds.privateKey,
      ephemeralPrivateKey: eph.privateKey,
      ephemeralPublicKey: eph.publicKey,
    },
    remote: { eui64: fromHex(ctx.tcEui64), certificate: tcCertificate, ephemeralPublicKey: tcEphemeral },
  });
}
