import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { ChildMessage, ParentMessage } from "./child-messages.ts";

/**
 * The parent's side of the local runtime's children (backend.ts, front-pool.ts); child-lifecycle.ts is the
 * child's. How long a child's stop may take: the poller drains for up to 5 s, a front waits up to 5 s for
 * its invocations, the emulators close at once.
 */
const STOP_TIMEOUT_MS = 15_000;

/** Node's arguments for a child of this folder: TypeScript through tsx, as `npm start` runs. */
export function childNodeArgs(): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  // For profiling the children (test/bench/profile.ts with BENCH_PROFILE=1): --cpu-prof is not allowed
  // in NODE_OPTIONS, so the directory comes by a variable of its own.
  const profileDir = process.env.AIG_BACKEND_CPU_PROF_DIR;
  return ["--import", tsx, ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])];
}

/** Asks a child to stop and waits until it has exited; kills it if it takes longer than STOP_TIMEOUT_MS. */
export async function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  const stop: ParentMessage = { type: "stop" };
  // A child that is already on its way out (a failed start) has closed its channel.
  if (child.connected) child.send(stop);
  await exited;
  clearTimeout(timer);
}

/** The child's next message of this type; rejects if it reports a failure or exits first. */
export function nextMessage(child: ChildProcess, type: ChildMessage["type"]): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === "failed") {
        cleanup();
        reject(new Error(`A local runtime process failed: ${message.message}`));
      } else if (message.type === type) {
        cleanup();
        resolve(message);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`A local runtime process exited (${code ?? signal}) before it was ready`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
