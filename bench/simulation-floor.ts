/**
 * Child process of `zse bench --simulate N` (bench/simulation.ts): the floor under issue 6's
 * fresh-process figure. The frames of N handshakes (one meter's join and CBKE with the TC
 * each), encoded and decoded as the simulation does (src/net/sim/air.ts: MAC + NWK under the
 * network key + APS, the Transport Key under the key-transport key, AES-CCM* with 4-byte MICs),
 * in a fresh process, twice: the first pass is what a fresh `zse simulate` pays for them (V8
 * compiling the codecs as it goes), the second the same work warm. CPU of every thread of the
 * process, as the simulation counts it.
 *
 * A simulation the issue describes cannot avoid this work (frames cross as bytes with Zigbee
 * security), so the first pass bounds from below what a fresh run adds to two CBKE sides per
 * handshake before any stack, engine or node code runs. (The CBKE code's own warm-up is not
 * part of it: the simulation's untimed setup, its CA issuing a certificate per device, already
 * compiles most of that code; measured the same way after that issuance it was within this
 * machine's noise.)
 *
 * With `cbke` after the count, each handshake is also its CBKE computation, done as the
 * simulation's KE engines call it (src/engine/ke-crypto.ts: both ephemeral keys, both
 * certificate checks, both derivations), after the simulation's set-up (its CA issuing a
 * certificate for the TC and each meter, untimed): a handshake with no stack, engine, node or
 * clock code at all. What that costs in a fresh process over two CBKE sides of `zse bench` is
 * the least any fresh `zse simulate` can reach.
 *
 * Usage: node --import tsx bench/simulation-floor.ts <handshakes> [cbke]
 * Prints `{"handshakes": N, "framesPerHandshake": F, "freshMs": .., "warmMs": ..}` (CPU ms),
 * with `cbke` also `"cryptoFreshMs"` and `"cryptoWarmMs"`: the CBKE computation's share of
 * each pass (elapsed time around it, as the simulation's account of it), and
 * `"adjacentTwoSidesMs"`: two CBKE sides as `zse bench` times them, in this process right after.
 */
import { cbkeCrypto } from "../src/engine/ke-crypto.js";
import type { KeSuiteCredentials } from "../src/engine/ke-types.js";
import type { ApsFrame } from "../src/net/frames/aps.js";
import { KeyId } from "../src/net/frames/security.js";
import { airDecodeOptions, decodeAir, encodeAir } from "../src/net/sim/air.js";
import { simulationCa } from "../src/node/sim-ca.js";
import { SIM_TC_EUI, simMeterEui } from "../src/node/simulation.js";
import { equalBytes, fromHex } from "../src/util/bytes.js";
import { SeededRng } from "../src/util/rng.js";
import { adjacentTwoSidesMs } from "./cbke.js";

/**
 * One meter's APS frames with the TC in a 1000-meter run (the association's two MAC frames
 * carry no NWK/APS layer and are left out), with their ZCL/ZDO payload lengths for suite 2:
 * the Transport Key of the network key (APS-secured, no NWK security: the joiner has no
 * network key yet) and its APS ack; Match Descriptor request (9) and response (6, no APS ack
 * in ZDO here); Read Attributes of KeyEstablishmentSuite (5) and its response (9); Initiate
 * KE Request refused once by a busy TC (81: ZCL header 3 + suite 2 + two times 2 + the 74-byte
 * certificate) and the Terminate KE (7); the Initiate KE Request again and its response (81
 * each); Ephemeral Data request and response (3 + 37); Confirm Key Data request and response
 * (3 + 16); the initiator's Default Response (5). Every ZCL frame asks for an APS ack.
 */
const FRAMES: readonly (number | "ack" | "transport-key")[] = [
  "transport-key",
  "ack",
  9,
  6,
  5,
  "ack",
  9,
  "ack",
  81,
  "ack",
  7,
  "ack",
  81,
  "ack",
  81,
  "ack",
  40,
  "ack",
  40,
  "ack",
  19,
  "ack",
  19,
  "ack",
  5,
  "ack",
];
export const FRAMES_PER_HANDSHAKE = FRAMES.length;

const METER = "00124b0001000001";
const TC = "00124b000000ff01";

/** Encodes and decodes one handshake's frames; throws if any fails its security check. */
function framesWork(): () => void {
  const networkKey = Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i);
  const linkKey = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const meterEui = Uint8Array.of(0x00, 0x12, 0x4b, 0x00, 0x01, 0x00, 0x00, 0x01);
  const tcEui = Uint8Array.of(0x00, 0x12, 0x4b, 0x00, 0x00, 0x00, 0xff, 0x01);
  const decode = airDecodeOptions({ networkKey, linkKeysOf: () => [linkKey] });
  let counter = 1;
  let seq = 0;
  return () => {
    for (let i = 0; i < FRAMES.length; i++) {
      const f = FRAMES[i];
      // the direction alternates: either way a frame costs the same to encode and decode
      const fromTc = i % 2 === 0;
      const addressing = {
        src: fromTc ? TC : METER,
        srcShort: fromTc ? 0 : 0x5b14,
        dst: fromTc ? METER : TC,
        dstShort: fromTc ? 0x5b14 : 0,
        macSequence: seq & 0xff,
        nwkSequence: seq & 0xff,
      };
      seq++;
      const source = fromTc ? tcEui : meterEui;
      let bytes: Uint8Array;
      if (f === "transport-key") {
        const frame: ApsFrame = {
          type: "command",
          counter: seq & 0xff,
          ackRequest: true,
          command: {
            command: "transportKey",
            keyType: "network",
            key: networkKey,
            keySequence: 0,
            destination: meterEui,
            source: tcEui,
          },
        };
        const aps = { key: linkKey, keyId: KeyId.keyTransport, frameCounter: counter++, source };
        bytes = encodeAir({ addressing, frame, aps });
      } else {
        const frame: ApsFrame =
          f === "ack"
            ? {
                type: "ack",
                ackFormat: "data",
                dstEndpoint: 240,
                clusterId: 0x0800,
                profileId: 0x0109,
                srcEndpoint: 240,
                counter: seq & 0xff,
              }
            : {
                type: "data",
                dstEndpoint: 240,
                clusterId: 0x0800,
                profileId: 0x0109,
                srcEndpoint: 240,
                counter: seq & 0xff,
                ackRequest: true,
                payload: new Uint8Array(f).fill(seq & 0xff),
              };
        const nwk = { networkKey, frameCounter: counter++, keySequence: 0 };
        bytes = encodeAir({ addressing, frame, nwk });
      }
      const d = decodeAir(bytes, decode);
      if (!d.nwk.ok || !d.aps?.ok) throw new Error(`frame ${i} did not decode under its keys`);
    }
  };
}

/**
 * The CBKE computation of N handshakes, meter i with the TC, as the KE engines call it; the
 * CA's certificates are issued here, before anything is timed, as the simulation's set-up does.
 * The returned function runs handshake i and adds its elapsed ms to `account.ms`.
 */
function cbkeWork(n: number, account: { ms: number }): (i: number) => void {
  const rng = new SeededRng(1);
  const ca = simulationCa({ suite: 2, rng });
  const tc = ca.issue(SIM_TC_EUI);
  const tcEui = fromHex(SIM_TC_EUI);
  const meters: { eui: Uint8Array; credentials: KeSuiteCredentials }[] = [];
  for (let i = 0; i < n; i++)
    meters.push({ eui: fromHex(simMeterEui(i)), credentials: ca.issue(simMeterEui(i)) });
  const crypto = cbkeCrypto();
  return (i) => {
    const t0 = performance.now();
    const m = meters[i];
    // Initiate KE Request / Response: each side checks the other's certificate
    const meterEph = crypto.generateEphemeral(2, rng);
    if (
      crypto.checkCertificate({ suite: 2, certificate: m.credentials.certificate, sender: m.eui, local: tc })
    )
      throw new Error(`handshake ${i}: the TC refused the meter's certificate`);
    if (
      crypto.checkCertificate({ suite: 2, certificate: tc.certificate, sender: tcEui, local: m.credentials })
    )
      throw new Error(`handshake ${i}: the meter refused the TC's certificate`);
    // Ephemeral Data: the TC makes its key, both derive
    const tcEph = crypto.generateEphemeral(2, rng);
    const u = crypto.derive({
      suite: 2,
      role: "initiator",
      local: {
        eui64: m.eui,
        credentials: m.credentials,
        ephemeralPrivateKey: meterEph.privateKey,
        ephemeralPublicKey: meterEph.publicKey,
      },
      remote: { eui64: tcEui, certificate: tc.certificate, ephemeralPublicKey: tcEph.publicKey },
    });
    const v = crypto.derive({
      suite: 2,
      role: "responder",
      local: {
        eui64: tcEui,
        credentials: tc,
        ephemeralPrivateKey: tcEph.privateKey,
        ephemeralPublicKey: tcEph.publicKey,
      },
      remote: {
        eui64: m.eui,
        certificate: m.credentials.certificate,
        ephemeralPublicKey: meterEph.publicKey,
      },
    });
    // Confirm Key: both MACs and the key must agree, as both engines check
    if (!equalBytes(u.macU, v.macU) || !equalBytes(u.macV, v.macV) || !equalBytes(u.keyData, v.keyData))
      throw new Error(`handshake ${i}: the two sides derived different keys`);
    account.ms += performance.now() - t0;
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const handshakes = Number(process.argv[2]);
const mode = process.argv[3];
if (!Number.isInteger(handshakes) || handshakes < 1 || (mode !== undefined && mode !== "cbke")) {
  process.stderr.write("usage: simulation-floor.ts <handshakes> [cbke]\n");
  process.exit(2);
}
const account = { ms: 0 };
const cbke = mode === "cbke" ? cbkeWork(handshakes, account) : undefined;
const work = framesWork();
const passes: number[] = [];
const crypto: number[] = [];
for (let pass = 0; pass < 2; pass++) {
  account.ms = 0;
  const t0 = cpuMs();
  for (let i = 0; i < handshakes; i++) {
    cbke?.(i);
    work();
  }
  passes.push(cpuMs() - t0);
  crypto.push(account.ms);
}
const [freshMs, warmMs] = passes;
process.stdout.write(
  `${JSON.stringify({
    handshakes,
    framesPerHandshake: FRAMES_PER_HANDSHAKE,
    freshMs,
    warmMs,
    ...(cbke
      ? {
          cryptoFreshMs: crypto[0],
          cryptoWarmMs: crypto[1],
          adjacentTwoSidesMs: adjacentTwoSidesMs(),
        }
      : {}),
  })}\n`,
);
