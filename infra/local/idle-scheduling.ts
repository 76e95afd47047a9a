import { spawnSync } from "node:child_process";

export interface Launcher {
  command: string;
  /** What goes between the command and the program it starts. */
  args: string[];
}

const CHRT_IDLE: Launcher = { command: "chrt", args: ["--idle", "0"] };
let launcher: Launcher | null | undefined;

/**
 * The command that starts a process under Linux's SCHED_IDLE policy (`chrt --idle 0 <command>`), or null
 * where that is not available (no chrt, as on macOS, or a system that refuses it). Checked once per process.
 *
 * Why idle rather than a niceness: a niced process still holds a core until the scheduler decides the
 * woken proxy should preempt it, and on two cores that wait lands on requests; an idle-policy process is
 * preempted as soon as any normal process wakes (docs/benchmarks.md measured the gain at concurrency 16
 * against niceness 10). Work that can wait, the log-writer,
 * gets it; the emulators cannot wait (the proxy reads gateways from them), so they keep a niceness.
 */
export function idleLauncher(): Launcher | null {
  if (launcher === undefined) {
    // `true` rather than node: the probe only asks whether chrt may set the policy and exec a program, and a
    // node start would add to every `npm start` (figures in docs/benchmarks.md).
    const probe = spawnSync(CHRT_IDLE.command, [...CHRT_IDLE.args, "true"], { stdio: "ignore" });
    launcher = probe.status === 0 ? CHRT_IDLE : null;
  }
  return launcher;
}
