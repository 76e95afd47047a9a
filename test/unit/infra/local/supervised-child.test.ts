import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SupervisedChild } from "../../../../infra/local/supervised-child.ts";

/** A real child that lives until it is told to stop or killed, as the runtime's children do (child-control.ts). */
const sleeper = (): ChildProcess =>
  spawn(
    process.execPath,
    ["-e", "process.on('message', () => process.exit(0)); setInterval(() => {}, 1000);"],
    {
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    },
  );

const started: ChildProcess[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

function supervised(): { supervisor: SupervisedChild; launches: () => number } {
  let launches = 0;
  const supervisor = new SupervisedChild("sleeper", async () => {
    launches++;
    const child = sleeper();
    started.push(child);
    return child;
  });
  return { supervisor, launches: () => launches };
}

describe("SupervisedChild", () => {
  it("starts the child again when it dies while the gateway runs", async () => {
    const { supervisor, launches } = supervised();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await supervisor.start();
    const first = started[0] as ChildProcess;
    first.kill("SIGTERM");
    await vi.waitFor(() => expect(launches()).toBe(2));
    await supervisor.stop();
  });

  it("starts no other once the gateway is stopping, even before its own turn to stop comes", async () => {
    // Ctrl-C signals the whole process group: the child dies while the gateway is still stopping the
    // processes before it (the log-writer drains first), and must not be started again then.
    const { supervisor, launches } = supervised();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await supervisor.start();
    supervisor.stopRestarting();
    const first = started[0] as ChildProcess;
    first.kill("SIGTERM");
    await once(first, "exit");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(launches()).toBe(1);
    expect(errors).not.toHaveBeenCalled();
    await supervisor.stop();
  });
});
