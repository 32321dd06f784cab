import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { runSimulation } from "../../src/node/simulation.js";
import { threadCpuMs } from "../../src/node/thread-cpu.js";

const linux = existsSync("/proc/thread-self/stat");

describe("thread CPU (simulation stats: main thread vs V8 background threads)", () => {
  it("reads this thread's CPU: it grows with busy work like process.cpuUsage does", { skip: !linux }, () => {
    const t0 = threadCpuMs();
    const p0 = process.cpuUsage();
    let x = 0;
    const until = performance.now() + 300;
    while (performance.now() < until) x = (x * 31 + 7) >>> 0;
    const p = process.cpuUsage(p0);
    const t1 = threadCpuMs();
    assert.ok(t0 !== undefined && t1 !== undefined);
    const thread = t1 - t0;
    const processMs = (p.user + p.system) / 1000;
    // 10 ms ticks; the process total also holds what other threads did meanwhile
    assert.ok(thread >= 150, `thread CPU ${thread} ms for ~300 ms of work (x=${x})`);
    assert.ok(thread <= processMs + 20, `thread ${thread} ms <= process ${processMs} ms`);
  });

  it("the simulation reports background CPU within its run CPU", { skip: !linux }, async () => {
    const r = await runSimulation({ devices: 3, suite: 1, seed: 5 });
    assert.equal(r.ok, true);
    const s = r.stats;
    assert.ok(s.backgroundCpuMs !== undefined);
    assert.ok(s.backgroundCpuMs >= 0 && s.backgroundCpuMs <= s.cpuMs, JSON.stringify(s));
    assert.ok((s.keCryptoCpuMs ?? 0) > 0);
  });
});
