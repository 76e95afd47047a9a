import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { getPriority, platform } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { backendNiceness, lowerPriority } from "../../../../infra/local/backend.ts";

describe("the local backend's niceness", () => {
  it("is 10 by default, AIG_BACKEND_NICE when it is a niceness from 0 to 19, else 10", () => {
    expect(backendNiceness({})).toBe(10);
    expect(backendNiceness({ AIG_BACKEND_NICE: "0" })).toBe(0);
    expect(backendNiceness({ AIG_BACKEND_NICE: "19" })).toBe(19);
    expect(backendNiceness({ AIG_BACKEND_NICE: "20" })).toBe(10);
    expect(backendNiceness({ AIG_BACKEND_NICE: "-5" })).toBe(10);
    expect(backendNiceness({ AIG_BACKEND_NICE: "fast" })).toBe(10);
  });

  it("is applied to a child process, and 0 leaves it as it is", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { stdio: "ignore" });
    try {
      const before = getPriority(child.pid);
      lowerPriority(child.pid, 0);
      expect(getPriority(child.pid)).toBe(before);
      lowerPriority(child.pid, Math.min(19, before + 7));
      expect(getPriority(child.pid)).toBe(Math.min(19, before + 7));
    } finally {
      child.kill();
      await once(child, "exit");
    }
  });

  it.runIf(platform() === "linux")(
    "is applied to every thread of a running process, not only its main one",
    async () => {
      const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { stdio: "ignore" });
      try {
        const pid = child.pid ?? 0;
        // Node's worker threads (V8's platform, libuv) are running by the time it evaluates code.
        await vi.waitFor(() => expect(readdirSync(`/proc/${pid}/task`).length).toBeGreaterThan(4));
        const niceness = Math.min(19, getPriority(pid) + 5);
        lowerPriority(pid, niceness);
        const threads = readdirSync(`/proc/${pid}/task`).map(Number);
        expect(threads.map((thread) => getPriority(thread))).toEqual(threads.map(() => niceness));
      } finally {
        child.kill();
        await once(child, "exit");
      }
    },
  );

  it("does not throw where the system refuses (a process that is gone)", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await once(child, "exit");
    expect(() => lowerPriority(child.pid, 10)).not.toThrow();
  });
});
