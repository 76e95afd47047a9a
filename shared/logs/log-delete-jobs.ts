import { setTimeout as sleep } from "node:timers/promises";
import { v7 as uuidv7 } from "uuid";
import type { Gateway } from "../schemas/gateway.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { LogDeleteJob, LogDeleteJobStore, LogDeleteSelection } from "../store/log-delete-job-store.ts";
import type { LogDeleteQueue } from "./log-delete-message.ts";
import type { RetentionHandOff } from "./log-retention.ts";

/**
 * Logs one slice deletes: one Query page or so of each shard, and 2 DeleteItems a log, 25 at a time
 * (log-deletes.ts): a few seconds, well inside one message's budget.
 */
export const DEFAULT_LOG_DELETE_SLICE_SIZE = 500;

/** How long a DELETE_OLDEST job counts as the gateway's current one before another may start. */
const RETENTION_MARK_MS = 15 * 60_000;

/** A job that has ended. */
export const isFinished = (job: LogDeleteJob) => job.status === "done" || job.status === "failed";

/**
 * Starts log-delete jobs: records the job, then queues its first message; the worker
 * (log-delete-worker.ts) does the deleting. The management API's DELETE starts one per request; the
 * log-writer one per gateway whose DELETE_OLDEST overflow is more than a slice.
 */
export class LogDeleteJobs implements RetentionHandOff {
  constructor(
    readonly store: LogDeleteJobStore,
    private readonly queue: LogDeleteQueue,
    /** Logs one slice deletes (the worker's LOG_DELETE_SLICE_SIZE): retention's overflow up to it is trimmed in place. */
    readonly sliceSize: number,
    /** Where retention's jobs find their gateway (the log-writer's jobs only). */
    private readonly gateways?: Pick<GatewayStore, "get">,
    private readonly now: () => number = Date.now,
  ) {}

  async start(
    accountId: string,
    gateway: Pick<Gateway, "id" | "created_at">,
    selection: LogDeleteSelection,
    id: string = uuidv7({ msecs: this.now() }),
  ): Promise<LogDeleteJob> {
    const job = await this.store.create({
      id,
      accountId,
      gatewayId: gateway.id,
      gatewayCreatedAt: gateway.created_at,
      selection,
    });
    try {
      await this.queue.send({ job_id: job.id, account_id: accountId, gateway_id: gateway.id, step: 0 });
    } catch (error) {
      // A job nothing will run must not look queued forever.
      await this.store.finish(job, { status: "failed", error: "The job could not be queued" });
      throw error;
    }
    return job;
  }

  /**
   * DELETE_OLDEST's overflow as a job, unless one is already running for the gateway (it trims until the
   * stored-log counter is back at the limit, whatever the overflow has grown to). True when one started.
   */
  async startRetention(accountId: string, gatewayId: string): Promise<boolean> {
    const gateway = await this.gateways?.get(accountId, gatewayId);
    if (!gateway) return false;
    const id = uuidv7({ msecs: this.now() });
    if (!(await this.store.markRetentionJob(accountId, gatewayId, id, this.now() + RETENTION_MARK_MS)))
      return false;
    try {
      await this.start(accountId, gateway, { kind: "retention" }, id);
    } catch (error) {
      await this.store.unmarkRetentionJob(accountId, gatewayId, id);
      throw error;
    }
    return true;
  }

  /**
   * The job as it stands once it has ended, or after `waitMs`, whichever is first: a small delete is then
   * answered done, a large one while it runs. Polls its record (one consistent GetItem each time).
   */
  async settle(job: LogDeleteJob, waitMs: number): Promise<LogDeleteJob> {
    const deadline = this.now() + waitMs;
    let current = job;
    let pause = 50;
    while (!isFinished(current) && this.now() < deadline) {
      await sleep(Math.min(pause, Math.max(0, deadline - this.now())));
      pause = Math.min(pause * 2, 250);
      current = (await this.store.get(job.accountId, job.gatewayId, job.id)) ?? current;
    }
    return current;
  }
}
