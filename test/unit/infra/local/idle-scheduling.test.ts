import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { platform } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { idleLauncher } from "../../../../infra/local/idle-scheduling.ts";

/** SCHED_IDLE in sched.h; field 41 of /proc/<pid>/stat is the policy. */
const SCHED_IDLE = 5;
const policyOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[38]);
};

/** Linux with util-linux's chrt on the PATH (macOS has neither). */
const hasChrt = platform() === "linux" && spawnSync("chrt", ["--help"], { stdio: "ignore" }).status === 0;

describe("idleLauncher", () => {
  it.runIf(hasChrt)("starts a process under SCHED_IDLE on Linux, where chrt is", async () => {
    const launcher = idleLauncher();
    expect(launcher).not.toBeNull();
    if (!launcher) return;
    const child = spawn(
      launcher.command,
      [...launcher.args, process.execPath, "-e", "setTimeout(() => {}, 10000)"],
      { stdio: "ignore" },
    );
    try {
      // chrt execs node in place: same pid, and the policy it set stays.
      await vi.waitFor(() =>
        expect(readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0")[0]).toBe(process.execPath),
      );
      expect(policyOf(child.pid ?? 0)).toBe(SCHED_IDLE);
      expect(policyOf(process.pid)).toBe(0);
    } finally {
      child.kill();
      await once(child, "exit");
    }
  });

  it("answers the same on every call (probed once)", () => {
    expect(idleLauncher()).toBe(idleLauncher());
  });
});
