import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// CPU time used so far by a group of processes, read from Linux's /proc: what one request costs
// each side of the socket (the web process and PostgreSQL's), whatever else the machine is doing.

interface ProcessStat {
  pid: number;
  ppid: number;
  command: string;
  /** User and system time, in clock ticks. */
  ticks: number;
}

function processes(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended while being read
    }
    // "pid (command) state ppid …": the command may hold spaces and parentheses.
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    stats.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      command: text.slice(text.indexOf("(") + 1, close),
      ticks: Number(fields[11]) + Number(fields[12]),
    });
  }
  return stats;
}

let ticksPerSecond: number | undefined;

/**
 * Milliseconds of CPU used so far by the process `rootPid` and its descendants, and by every process
 * named `command` (PostgreSQL's server and backends); null where /proc is not there to read.
 */
export function cpuMsOf(groups: { rootPid?: number; command?: string }): number | null {
  try {
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    const all = processes();
    const chosen = new Set<number>();
    if (groups.command) for (const p of all) if (p.command === groups.command) chosen.add(p.pid);
    if (groups.rootPid !== undefined) {
      chosen.add(groups.rootPid);
      for (let grew = true; grew;) {
        grew = false;
        for (const p of all) {
          if (chosen.has(p.pid) || !chosen.has(p.ppid)) continue;
          chosen.add(p.pid);
          grew = true;
        }
      }
    }
    const ticks = all.filter((p) => chosen.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0);
    return (ticks / ticksPerSecond) * 1000;
  } catch {
    return null;
  }
}
