import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { childNodeArgs, nextMessage, stopChild } from "./child-control.ts";
import type { ChildMessage } from "./child-messages.ts";
import type { Front, FrontOptions } from "./front.ts";

/** More front processes than this by default would mostly hold memory on a developer's machine. */
const MAX_DEFAULT_WORKERS = 4;

/**
 * How many front processes `npm start` runs unless told (--workers, AIG_WORKERS): one per core, up to
 * MAX_DEFAULT_WORKERS. On AWS each request in flight has a Lambda instance of its own; one process per core
 * is the nearest a single machine gets, where one event loop would be one instance serving every request.
 */
export function defaultFrontWorkers(): number {
  return Math.min(availableParallelism(), MAX_DEFAULT_WORKERS);
}

/**
 * The front in `workers` processes (front-worker.ts) sharing one port through node:cluster, which hands each
 * new connection to the next process in turn. They inherit this process's environment, which the caller has
 * set for the handlers. A process that dies after it started is replaced, as Lambda replaces a failed
 * instance; one that fails at start fails the pool.
 */
export async function startFrontPool(options: {
  workers: number;
  port: number;
  onAccess?: FrontOptions["onAccess"];
}): Promise<Front> {
  cluster.setupPrimary({
    exec: fileURLToPath(new URL("./front-worker.ts", import.meta.url)),
    execArgv: childNodeArgs(),
    args: [],
  });
  const workers = new Set<Worker>();
  // Starts under way: a process still loading would miss a stop message sent now.
  const starting = new Set<Promise<unknown>>();
  let stopping = false;
  const start = async (): Promise<string> => {
    const worker = cluster.fork({
      AIG_FRONT_PORT: String(options.port),
      AIG_FRONT_ACCESS_LOG: options.onAccess ? "1" : "0",
    });
    workers.add(worker);
    const { onAccess } = options;
    if (onAccess) {
      worker.process.on("message", (message: ChildMessage) => {
        if (message.type === "access") onAccess(message.record);
      });
    }
    const ready = nextMessage(worker.process, "front-started");
    starting.add(ready);
    const started = await ready.finally(() => starting.delete(ready));
    worker.process.once("exit", (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      console.error(`A front process exited (${code ?? signal}); starting another.`);
      start().catch((error) => console.error("The front process could not be replaced:", error));
    });
    return started.type === "front-started" ? started.url : "";
  };
  const stopAll = async () => {
    stopping = true;
    await Promise.allSettled([...starting]);
    await Promise.all([...workers].map((worker) => stopChild(worker.process)));
  };
  try {
    // The first binds the port (0 picks one); the others then share it.
    const url = await start();
    await Promise.all(Array.from({ length: options.workers - 1 }, start));
    return { url, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
