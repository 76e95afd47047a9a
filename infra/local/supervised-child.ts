import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { stopChild } from "./child-control.ts";

/** Starts that fail in a row before a child is given up on (a start that cannot work, such as a port taken). */
const MAX_FAILED_STARTS = 5;
/** The wait before a failed start is tried again. */
const RESTART_DELAY_MS = 1_000;

/**
 * A child process of the local runtime that is started again whenever it dies while the gateway runs, as
 * Lambda replaces a failed instance and AWS keeps its services up (backend.ts; front-pool.ts does the same
 * for the fronts). `launch` starts a child and resolves once it is ready; `restarted` runs after each
 * restart (the emulators' resources are provisioned again there). Each death is one line on the console.
 */
export class SupervisedChild {
  private current: ChildProcess | null = null;
  private restarting: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly name: string,
    private readonly launch: () => Promise<ChildProcess>,
    private readonly restarted: () => Promise<void> = async () => {},
  ) {}

  /** The first start: a failure here fails the gateway's start, as before. */
  async start(): Promise<void> {
    this.watch(await this.launch());
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  /**
   * From now on a death is not answered with a restart. Called when the gateway begins to stop: a signal to
   * the whole process group (Ctrl-C) reaches this child while the processes stopped before it still drain.
   */
  stopRestarting(): void {
    this.stopping = true;
  }

  /** Stops the child (after a restart under way has finished) and starts no other. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting;
    await stopChild(this.current);
  }

  private watch(child: ChildProcess): void {
    this.current = child;
    child.once("exit", (code, signal) => {
      if (this.stopping || this.current !== child) return;
      console.error(`The ${this.name} process exited (${code ?? signal}); starting another.`);
      this.restarting = this.restart().finally(() => {
        this.restarting = null;
      });
    });
  }

  private async restart(): Promise<void> {
    for (let failed = 0; !this.stopping; ) {
      try {
        const child = await this.launch();
        if (this.stopping) {
          await stopChild(child);
          return;
        }
        this.watch(child);
        await this.afterRestart();
        return;
      } catch (error) {
        failed++;
        const reason = error instanceof Error ? error.message : String(error);
        if (failed >= MAX_FAILED_STARTS) {
          console.error(`The ${this.name} process could not be started again (${reason}); giving up.`);
          return;
        }
        console.error(`The ${this.name} process could not be started again (${reason}); trying once more.`);
        await sleep(RESTART_DELAY_MS);
      }
    }
  }

  /** `restarted`, tried again while it fails: the child runs, so it is not started again for this. */
  private async afterRestart(): Promise<void> {
    for (let failed = 1; ; failed++) {
      try {
        return await this.restarted();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        console.error(`The ${this.name} process restarted, but setting it up failed (${reason}).`);
        if (failed >= MAX_FAILED_STARTS || this.stopping) return;
        await sleep(RESTART_DELAY_MS);
      }
    }
  }
}
