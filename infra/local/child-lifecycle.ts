import type { ChildMessage, ParentMessage } from "./child-messages.ts";

/** Tells the parent (backend.ts, front-pool.ts) how this child is doing. */
export const tellParent = (message: ChildMessage) => process.send?.(message);

/**
 * The shutdown contract of the local runtime's children (emulators-process.ts, log-writer-process.ts,
 * front-worker.ts); child-control.ts is the parent's side. A child ignores SIGINT: Ctrl-C reaches the whole
 * process group, and the parent decides the order of shutdown (close the fronts first, so the last log
 * events are queued; then drain the queue; then close the emulators). On the parent's `stop`, or if the
 * parent goes away without a word, the child runs `stop` and exits.
 */
export function exitWhenParentSays(stop: () => Promise<void>): void {
  let stopping = false;
  const stopAndExit = () => {
    if (stopping) return;
    stopping = true;
    stop().finally(() => process.exit(0));
  };
  process.on("SIGINT", () => {});
  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") stopAndExit();
  });
  process.on("disconnect", stopAndExit);
}

/** Reports a failed start to the parent and exits. */
export function failStart(error: unknown): never {
  tellParent({
    type: "failed",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}
