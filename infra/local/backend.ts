import { type ChildProcess, fork } from "node:child_process";
import { readdirSync } from "node:fs";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { childNodeArgs, nextMessage } from "./child-control.ts";
import { idleLauncher } from "./idle-scheduling.ts";
import { SupervisedChild } from "./supervised-child.ts";

export interface Backend {
  /** The embedded emulators' endpoints, or null when AWS_ENDPOINT_URL_* name external ones. */
  endpoints: { dynamodb: string; sqs: string; s3: string } | null;
  /**
   * What to do once the emulators have been started again after dying (create the tables and queues,
   * which an in-memory emulator has lost); they come back on the same endpoints.
   */
  whenEmulatorsRestart(provision: () => Promise<void>): void;
  /** Starts the log-writer on the log queue and the log-deleter on its queue, with the handlers' environment. */
  startLogWriter(env: Record<string, string>, queueUrl: string, deleteQueueUrl: string): Promise<void>;
  /**
   * The gateway has begun to stop: a child that dies from now on is not started again. A signal to the
   * whole process group (Ctrl-C) reaches these children while the fronts are still finishing.
   */
  stopRestarting(): void;
  /** Drains the log queue into the logs table, then closes the emulators; both children end. */
  stop(): Promise<void>;
}

/**
 * The backend's scheduling niceness (AIG_BACKEND_NICE, default 10; 0 shares the CPU evenly). On AWS the
 * log pipeline (SQS, DynamoDB, the log-writer Lambda) runs on machines of its own and never takes CPU
 * from the proxy; on one machine its stand-ins would, so they get what the request path leaves: under
 * load, logs reach the logs table a little later (none is dropped) and requests are not slowed by them.
 * The emulators run at this niceness; the log-writer, whose work can always wait, at Linux's idle policy
 * where the system has it (idle-scheduling.ts), else at this niceness too.
 */
export function backendNiceness(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.AIG_BACKEND_NICE ?? 10);
  return Number.isInteger(value) && value >= 0 && value <= 19 ? value : 10;
}

/**
 * Starts what runs beside the proxy on AWS, in child processes (TypeScript through tsx, as `npm start`
 * runs): the emulators (emulators-process.ts) unless external endpoints are used, now; the log-writer
 * (log-writer-process.ts) once the parent has provisioned the tables and the queue. Either is started again
 * if it dies (supervised-child.ts). Their stdout and stderr are this process's, so the log-writer's
 * structured log lines appear where they did when it ran in process.
 */
export async function startBackend(options: {
  dataDir: string | null;
  emulators: boolean;
}): Promise<Backend> {
  const niceness = backendNiceness();
  let endpoints: { dynamodb: string; sqs: string; s3: string } | null = null;
  let provision = async () => {};
  // A restart listens on the ports of the first start: every process has the endpoints in its environment.
  const emulators = options.emulators
    ? new SupervisedChild(
        "emulators",
        async () => {
          const child = startChild("emulators-process.ts", {
            env: {
              ...process.env,
              AIG_LOCAL_DATA_DIR: options.dataDir ?? "",
              AIG_EMULATOR_ENDPOINTS: endpoints ? JSON.stringify(endpoints) : "",
            },
            niceness,
          });
          const ready = await nextMessage(child, "ready");
          if (ready.type === "ready") endpoints = ready.endpoints;
          return child;
        },
        () => provision(),
      )
    : null;
  await emulators?.start();
  let logWriter: SupervisedChild | null = null;
  const stopRestarting = () => {
    emulators?.stopRestarting();
    logWriter?.stopRestarting();
  };
  return {
    endpoints,
    whenEmulatorsRestart(callback) {
      provision = callback;
    },
    async startLogWriter(env, queueUrl, deleteQueueUrl) {
      logWriter = new SupervisedChild("log-writer", async () => {
        const child = startChild("log-writer-process.ts", {
          args: [queueUrl, deleteQueueUrl],
          env,
          niceness,
          idle: niceness > 0,
        });
        await nextMessage(child, "log-writer-started");
        return child;
      });
      await logWriter.start();
    },
    stopRestarting,
    async stop() {
      stopRestarting();
      // The log-writer drains the queue while the emulators still serve it.
      await logWriter?.stop();
      await emulators?.stop();
    },
  };
}

/** Forks a child of this folder under tsx, at the idle policy if asked and available, else at `niceness`. */
function startChild(
  file: string,
  options: { args?: string[]; env: NodeJS.ProcessEnv; niceness: number; idle?: boolean },
): ChildProcess {
  const { args = [], env, niceness, idle = false } = options;
  const nodeArgs = childNodeArgs();
  const launcher = idle ? idleLauncher() : null;
  const child = fork(fileURLToPath(new URL(`./${file}`, import.meta.url)), args, {
    // Under a launcher the command is `chrt --idle 0 node <nodeArgs> <file>`: chrt execs node in place,
    // keeping the IPC channel.
    ...(launcher
      ? { execPath: launcher.command, execArgv: [...launcher.args, process.execPath, ...nodeArgs] }
      : { execArgv: nodeArgs }),
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (!launcher) lowerPriority(child.pid, niceness);
  return child;
}

/**
 * Lowers a process's priority, every thread of it: on Linux a niceness belongs to a thread, and a process
 * that is already running has V8's and libuv's worker threads (the garbage collector's helpers among them),
 * which would keep their niceness. Threads started later inherit it. Where the system refuses (no
 * permission), the process keeps running as it is.
 */
export function lowerPriority(pid: number | undefined, niceness: number): void {
  if (pid === undefined || niceness === 0) return;
  for (const thread of threadsOf(pid)) {
    try {
      setPriority(thread, niceness);
    } catch {
      // Not fatal: the backend then shares the CPU evenly with the gateway.
    }
  }
}

/** The thread ids of a process (Linux /proc), or just its pid where they cannot be listed. */
function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}
