/**
 * CPU time of the calling thread alone, for telling the simulation's own work (one JavaScript
 * thread) from what V8 does beside it on its background threads (optimizing compilation,
 * parallel and concurrent garbage collection). process.cpuUsage counts every thread of the
 * process; Node 20 has no per-thread reading, so this reads Linux's /proc/thread-self/stat
 * (utime + stime, fields 14 and 15 of proc(5), in clock ticks of 1/100 s: USER_HZ is 100 on
 * every Linux ABI Node runs on). Undefined where that file does not exist.
 */
import { readFileSync } from "node:fs";

const USER_HZ = 100;

/** This thread's user + system CPU time in ms (10 ms resolution), or undefined off Linux. */
export function threadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync("/proc/thread-self/stat", "latin1");
  } catch {
    return undefined;
  }
  // the command name (field 2) is in parentheses and may hold spaces: count from its end
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / USER_HZ;
}
