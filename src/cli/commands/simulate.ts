/**
 * `zse simulate`: the project's main job (issue 6 item 4). Runs the seed's SE scenario on
 * the simulated network (src/node/simulation.ts) and prints a readable timeline with virtual
 * timestamps, or one JSON document with --json. Exit 0 only when every step succeeded, 1
 * when the run completed but a step failed, 2 for bad options. Secrets (link keys, network
 * key) are printed only with --show-keys; --keys writes them to a Wireshark keys file.
 */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { KeWaitTimePolicy } from "../../engine/ke-wait-queue.js";
import { formatKeysFile } from "../../net/keys-file.js";
import { LINKTYPE_IEEE802_15_4_WITHFCS, PcapWriter } from "../../net/pcap.js";
import type { TimelineEntry } from "../../net/sim/network.js";
import { SIM_VALID_FROM } from "../../node/sim-ca.js";
import {
  handshakeCpuSplit,
  MAX_SIMULATED_METERS,
  runSimulation,
  SCENARIOS,
  type ScenarioName,
  type SimulationResult,
} from "../../node/simulation.js";
import { ZseError } from "../../util/errors.js";
import { assertWritable, writeFileAtomic } from "../../util/files.js";
import { action, EXIT_NEGATIVE, printJson } from "../output.js";

interface SimulateFlags {
  scenario: string;
  suite: string;
  devices: string;
  seed: string;
  db?: string;
  loss: string;
  keSessions: string;
  keWait: string;
  pcap?: string;
  keys?: string;
  json?: boolean;
  showKeys?: boolean;
}

function parseFlags(f: SimulateFlags) {
  if (!(SCENARIOS as readonly string[]).includes(f.scenario))
    throw new ZseError("BAD_VALUE", `--scenario: "${f.scenario}" is not one of ${SCENARIOS.join(", ")}`);
  if (f.suite !== "1" && f.suite !== "2")
    throw new ZseError("BAD_VALUE", `--suite: "${f.suite}" is not 1 or 2`);
  if (!/^[1-9][0-9]*$/.test(f.devices) || Number(f.devices) > MAX_SIMULATED_METERS)
    throw new ZseError(
      "BAD_VALUE",
      `--devices: "${f.devices}" is not an integer in 1..${MAX_SIMULATED_METERS}`,
    );
  const loss = Number(f.loss);
  if (f.loss.trim() === "" || !Number.isFinite(loss) || loss < 0 || loss >= 1)
    throw new ZseError("BAD_VALUE", `--loss: "${f.loss}" is not a probability in [0, 1)`);
  if (!/^[1-9][0-9]*$/.test(f.keSessions) || Number(f.keSessions) > MAX_SIMULATED_METERS)
    throw new ZseError(
      "BAD_VALUE",
      `--ke-sessions: "${f.keSessions}" is not an integer in 1..${MAX_SIMULATED_METERS}`,
    );
  if (f.keWait !== "queue" && f.keWait !== "fixed")
    throw new ZseError("BAD_VALUE", `--ke-wait: "${f.keWait}" is not queue or fixed`);
  if (f.seed.trim() === "") throw new ZseError("BAD_VALUE", "--seed: empty");
  const seed = /^[0-9]{1,9}$/.test(f.seed) ? Number(f.seed) : f.seed;
  return {
    scenario: f.scenario as ScenarioName,
    suite: Number(f.suite) as 1 | 2,
    devices: Number(f.devices),
    seed,
    loss,
    keSessions: Number(f.keSessions),
    keWaitTime: f.keWait as KeWaitTimePolicy,
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const hex4 = (n: number) => n.toString(16).padStart(4, "0");

/** One timeline line: virtual seconds, who to whom, what, which key protected it. */
export function formatTimelineEntry(e: TimelineEntry): string {
  const t = (e.t / 1000).toFixed(3).padStart(9);
  const who = e.to === "-" ? pad(e.from, 22) : pad(`${e.from} -> ${e.to}`, 22);
  const key = e.key === "-" ? "" : `  [${e.key}]`;
  const note = e.note ? `  (${e.note})` : "";
  return `${t} s  ${who} ${e.what}${key}${note}`;
}

function human(r: SimulationResult, showKeys: boolean): string[] {
  const meters = r.devices.filter((d) => d.role === "meter").length;
  const out = [
    `zse simulate: scenario ${r.scenario}, suite ${r.suite}, seed ${r.seed}, ${meters} meter(s) + 1 display, loss ${r.loss}`,
  ];
  if (r.timeline) {
    out.push("", "Timeline (virtual time; [key] = what protected the APS frame):");
    for (const e of r.timeline) out.push(formatTimelineEntry(e));
  }
  out.push("", "Steps:");
  for (const s of r.steps) out.push(`  ${s.ok ? "ok  " : "FAIL"}  ${pad(s.name, 44)} ${s.detail}`);
  if (r.attacks) {
    out.push("", "Attacks (expected -> actual):");
    for (const a of r.attacks)
      out.push(`  ${a.ok ? "ok  " : "FAIL"}  ${pad(a.attack, 50)} ${a.expected} -> ${a.actual}`);
  }
  if (r.devices.length <= 21) {
    out.push("", "Devices (KE status = BDB KE status at the end):");
    for (const d of r.devices) {
      const keys = d.linkKeys.map((k) => `${k.partner}: ${k.how}${showKeys ? ` ${k.key}` : ""}`).join("; ");
      const sa = d.shortAddress !== undefined ? `0x${hex4(d.shortAddress)}` : "------";
      out.push(
        `  ${pad(d.name, 9)} ${d.eui64}  ${sa}  ${pad(d.role, 7)} join ${pad(d.join, 8)} KE ${pad(d.keStatus, 10)} ${keys}`,
      );
      if (d.tcso) {
        const t = d.tcso;
        const outcomes = t.outcomes
          .map((o) => `${o.status} (${o.tc}) at ${(o.at / 1000).toFixed(1)} s`)
          .join(", ");
        out.push(
          `  ${pad("", 9)} TCSO: ${outcomes || "none"}; TC now ${t.trustCenter}; keep-alive reads ${t.reads.ok} ok, ${t.reads.failed} failed`,
        );
      }
    }
  } else {
    const hist = new Map<string, number>();
    for (const d of r.devices.filter((x) => x.role === "meter"))
      hist.set(d.keStatus, (hist.get(d.keStatus) ?? 0) + 1);
    out.push("", `Meters by KE status: ${[...hist].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  }
  const s = r.stats;
  out.push(
    "",
    `TC: ${r.trustCenter.devicesInTable} devices in its table; ${r.trustCenter.keSessions} KE session(s) at a time, NO_RESOURCES waits ${r.trustCenter.keWaitTime === "queue" ? "spread by its queue" : "fixed (30 s)"}; ${r.trustCenter.keAnswered} KE sessions answered (${Object.entries(
      r.trustCenter.keOutcomes,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")})`,
    `Frames: ${s.frames.sent} sent, ${s.frames.delivered} delivered, ${s.frames.lost} lost, ${s.frames.macRetries} MAC retries, ${s.securityDrops} dropped by security`,
    `KE retries: ${s.noResourcesRetries} after NO_RESOURCES, ${s.keTimeoutRetries ?? 0} after TIMEOUT`,
    `Time: ${(s.virtualMs / 1000).toFixed(3)} s virtual, ${s.wallMs} ms wall; CPU ${s.setupCpuMs !== undefined ? `${s.setupCpuMs} ms set-up (CA, certificates), ` : ""}${s.cpuMs} ms run`,
    `CBKE: ${s.handshakes} handshakes, ${s.cpuMsPerHandshake} ms CPU each (both sides, network included), ${s.handshakesPerCpuSecond} handshakes per CPU second`,
    ...cpuSplit(s),
    "",
    r.ok ? "Result: OK, every step succeeded" : "Result: FAILED (see the steps above)",
  );
  return out;
}

function toJson(r: SimulationResult, showKeys: boolean, files: Record<string, string>): unknown {
  return {
    ok: r.ok,
    scenario: r.scenario,
    suite: r.suite,
    seed: r.seed,
    loss: r.loss,
    devices: r.devices.map((d) => ({
      eui64: d.eui64,
      role: d.role,
      name: d.name,
      ...(d.shortAddress !== undefined ? { shortAddress: hex4(d.shortAddress) } : {}),
      join: d.join,
      keStatus: d.keStatus,
      linkKeys: d.linkKeys.map((k) => ({
        partner: k.partner,
        how: k.how,
        ...(showKeys ? { key: k.key } : {}),
      })),
      noResourcesRetries: d.noResourcesRetries,
      keTimeoutRetries: d.keTimeoutRetries,
      ...(d.tcso ? { tcso: d.tcso } : {}),
    })),
    trustCenter: r.trustCenter,
    steps: r.steps,
    ...(r.attacks ? { attacks: r.attacks } : {}),
    stats: r.stats,
    ...(r.timeline ? { timeline: r.timeline } : {}),
    ...(Object.keys(files).length ? { files } : {}),
  };
}

export function register(program: Command): void {
  program
    .command("simulate")
    .description(
      "run the SE scenario on a simulated network: CA, Trust Center, meters with install codes and CBKE, a display with DCA + keWithDevice",
    )
    .option("--scenario <name>", `scenario (${SCENARIOS.join(", ")})`, "default")
    .option("--suite <1|2>", "CBKE suite of every certificate", "2")
    .option("--devices <N>", "meters joining at once", "1")
    .option("--seed <S>", "seed: the same seed replays the same run", "1")
    .option("--db <file>", "the Trust Center's SQLite store (default: in memory)")
    .option("--loss <p>", "probability a MAC transmission attempt is lost", "0")
    .option("--ke-sessions <N>", "KE sessions the Trust Center runs at once (NO_RESOURCES beyond)", "4")
    .option(
      "--ke-wait <queue|fixed>",
      "NO_RESOURCES wait times: spread by the TC's queue of refused devices, or 30 s every time",
      "queue",
    )
    .option("--pcap <file>", "write the frames as a pcap (IEEE 802.15.4 with FCS) for Wireshark")
    .option("--keys <file>", "write every key as a Wireshark zigbee_pc_keys file (secrets)")
    .option("--show-keys", "print link keys (secrets) in the output")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  zse simulate\n  zse simulate --suite 1 --seed 7 --loss 0.2\n  zse simulate --devices 1000 --json\n  zse simulate --devices 5000 --ke-sessions 1 --ke-wait fixed\n  zse simulate --pcap run.pcap --keys run.keys",
    )
    .action(
      action(async (flags: SimulateFlags) => {
        const o = parseFlags(flags);
        // output paths are checked before the run, not found wrong after it
        if (flags.pcap !== undefined) assertWritable(flags.pcap, "--pcap");
        if (flags.keys !== undefined) assertWritable(flags.keys, "--keys");
        const bar = progressBar(o.devices ?? 1);
        let r: SimulationResult;
        try {
          r = await runSimulation({
            ...o,
            db: flags.db,
            capture: flags.pcap !== undefined,
            ...(bar ? { onProgress: bar.update } : {}),
          });
        } finally {
          bar?.stop();
        }
        const files: Record<string, string> = {};
        if (flags.pcap && r.frames) {
          const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_WITHFCS });
          for (const f of r.frames)
            w.add({ timeUs: SIM_VALID_FROM * 1_000_000 + Math.round(f.t * 1000), data: f.bytes });
          writeFileAtomic(flags.pcap, w.toBytes(), 0o644, "--pcap");
          files.pcap = flags.pcap;
        }
        if (flags.keys) {
          // secrets: a new owner-only file replaces any older one (whatever its mode was)
          writeFileAtomic(flags.keys, formatKeysFile(r.keys), 0o600, "--keys");
          files.keys = flags.keys;
        }
        if (flags.json) printJson(toJson(r, flags.showKeys === true, files));
        else process.stdout.write(`${human(r, flags.showKeys === true).join("\n")}\n`);
        if (!r.ok) process.exitCode = EXIT_NEGATIVE;
      }),
    );
}

/** Where a handshake's CPU went: the CBKE computation, V8's background threads, the rest. */
function cpuSplit(s: SimulationResult["stats"]): string[] {
  const split = handshakeCpuSplit(s);
  if (!split) return [];
  return [
    `  per handshake: ${split.keCrypto} ms CBKE computation, ${split.background !== undefined ? `${split.background} ms V8 background threads (compiler, GC), ` : ""}${split.rest} ms stacks, frames, engines`,
  ];
}

/** Runs this large get a progress bar on stderr when it is a terminal. */
const PROGRESS_FROM_DEVICES = 100;

/**
 * A progress bar on stderr (a terminal only, and only for runs of PROGRESS_FROM_DEVICES meters
 * or more): certificates issued, then meters done with their join and key exchange.
 */
function progressBar(
  devices: number,
):
  | { update: (p: { phase: "setup" | "run"; done: number; total: number }) => void; stop: () => void }
  | undefined {
  if (!process.stderr.isTTY || devices < PROGRESS_FROM_DEVICES) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: "{phase} [{bar}] {value}/{total} meters | ETA {eta}s",
    hideCursor: true,
  });
  let phase: "setup" | "run" | undefined;
  return {
    update: (p) => {
      if (p.phase !== phase) {
        if (phase !== undefined) bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: p.phase === "setup" ? "certificates" : "network     " });
      } else bar.update(p.done);
    },
    stop: () => {
      if (phase !== undefined) bar.stop();
    },
  };
}
