import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { LogCounterStore } from "../store/log-counter-store.ts";
import type { LogDeleteJob, LogDeleteJobStore } from "../store/log-delete-job-store.ts";
import type { LogStore } from "../store/log-store.ts";
import { type LogDeleteMessage, type LogDeleteQueue, logDeleteMessageSchema } from "./log-delete-message.ts";
import type { LogFilter, LogQuery } from "./log-query.ts";
import type { LogRetention } from "./log-retention.ts";

export interface LogDeleteWorkerDependencies {
  jobs: LogDeleteJobStore;
  logs: LogStore;
  counters: LogCounterStore;
  gateways: Pick<GatewayStore, "get">;
  /** The gateway's `log_management` as the log-writer reads it (gateway-retention.ts): what retention jobs trim to. */
  retention(accountId: string, gatewayId: string): Promise<LogRetention | null>;
  queue: LogDeleteQueue;
  logger: StructuredLogger;
  /** Logs deleted per slice (LOG_DELETE_SLICE_SIZE). */
  sliceSize: number;
  /**
   * How long one message may keep starting slices (LOG_DELETE_BUDGET_MS): after it, the job is handed to
   * its next message. 0: one slice per message. Well under the function's timeout, so no invocation runs long.
   */
  budgetMs: number;
  now?: () => number;
}

/** A filter slice reads at most this many logs per log it may delete, so a narrow filter still ends a slice soon. */
const READS_PER_DELETE = 10;
/** How long a message that arrived before its job reached its step waits for it, before SQS retries it. */
const EARLY_MESSAGE_WAIT_MS = 2_000;

interface Slice {
  ids: string[];
  cursor: string | undefined;
  /** Nothing is left to select. */
  exhausted: boolean;
  /** Deleting this many ends the job (what is left of a limit, or retention's overflow). */
  target?: number;
}

/**
 * Runs one message of a log-delete job: deletes a slice of the job's logs at a time (with their bodies,
 * wherever they are kept, and their part of the stored-log counter), records the progress after each,
 * and, once `budgetMs` is spent, queues the job's next message and hands the job on to it.
 *
 * Safe under SQS's at-least-once delivery: each log is deleted by a conditional delete, and only a delete
 * that removed it counts (in the job and in the counter), so deleting twice never subtracts twice. A
 * delivery works on the job only under a lease taken at the message's step: a duplicate of a message already
 * run finds the job past its step and is dropped; one that arrives while another delivery works is retried
 * by SQS later. The next message is sent before the job is handed on, so a crash in between leaves the
 * message to be redelivered (and a duplicate of the next, which is then dropped), never a job with no message.
 * The window left is a crash between a slice's deletes and its counter update, which leaves the counter
 * above the truth by what that slice deleted; the same window as the log-writer's (store-log-event.ts).
 */
export async function runLogDeleteMessage(body: string, deps: LogDeleteWorkerDependencies): Promise<void> {
  const message = logDeleteMessageSchema.parse(JSON.parse(body));
  const now = deps.now ?? Date.now;
  const job = await jobAtStep(message, deps);
  if (!job) return;
  const gateway = await deps.gateways.get(job.accountId, job.gatewayId);
  if (!gateway || gateway.created_at !== job.gatewayCreatedAt) {
    await deps.jobs.finish(job, {
      status: "failed",
      error: `The gateway "${job.gatewayId}" was deleted before the job finished`,
    });
    await releaseRetention(job, deps);
    deps.logger.warn("log delete job failed: gateway deleted", { job_id: job.id, gateway_id: job.gatewayId });
    return;
  }
  const lease = randomUUID();
  // The budget doubled, and a slice's worth more: the lease outlives this delivery's work.
  const leaseMs = 2 * deps.budgetMs + 60_000;
  if (!(await deps.jobs.claim(job, message.step, lease, leaseMs)))
    throw new Error(`log delete job ${job.id} is being run by another delivery; retrying later`);

  const started = now();
  let deleted = job.deleted;
  let cursor = job.cursor;
  for (;;) {
    const slice = await nextSlice(job, deps, { cursor, deleted });
    const removed =
      slice.ids.length > 0
        ? await deps.logs.removeLogs(job.accountId, job.gatewayId, slice.ids)
        : { count: 0, expiring: [] };
    await deps.counters.subtract(job.accountId, job.gatewayId, removed.count, removed.expiring);
    if (!(await deps.jobs.recordSlice(job, lease, removed.count, slice.cursor)))
      throw new Error(`log delete job ${job.id}: lease lost to another delivery`);
    deleted += removed.count;
    cursor = slice.cursor;
    const finished = slice.exhausted || (slice.target !== undefined && removed.count >= slice.target);
    if (finished) {
      await deps.jobs.finish(job, { status: "done" }, lease);
      await releaseRetention(job, deps);
      deps.logger.info("log delete job done", { job_id: job.id, gateway_id: job.gatewayId, deleted });
      return;
    }
    if (now() - started >= deps.budgetMs) break;
  }
  await deps.queue.send({ ...message, step: message.step + 1 });
  if (!(await deps.jobs.advance(job, message.step, lease)))
    deps.logger.warn("log delete job: lease lost before hand-on", { job_id: job.id });
}

/**
 * Runs a batch of log-delete messages (the queue's event source mapping hands out one at a time) and
 * answers the ids of those that failed, for SQS's partial batch response: they are delivered again, and
 * after the queue's maxReceiveCount they go to its dead-letter queue.
 */
export async function runLogDeleteBatch(
  messages: readonly { messageId: string; body: string }[],
  deps: LogDeleteWorkerDependencies,
): Promise<string[]> {
  const failed: string[] = [];
  for (const message of messages) {
    try {
      await runLogDeleteMessage(message.body, deps);
    } catch (error) {
      failed.push(message.messageId);
      deps.logger.error("log delete message failed", {
        message_id: message.messageId,
        reason: error instanceof Error ? error.message.slice(0, 500) : String(error),
      });
    }
  }
  return failed;
}

/**
 * The job, when this message is the one it expects; undefined when the message is stale (the job ended,
 * or moved past its step) or the job is unknown. A message ahead of its job (sent just before the job was
 * handed on) waits a moment for it, then fails, for SQS to deliver again.
 */
async function jobAtStep(
  message: LogDeleteMessage,
  deps: LogDeleteWorkerDependencies,
): Promise<LogDeleteJob | undefined> {
  const deadline = Date.now() + EARLY_MESSAGE_WAIT_MS;
  for (;;) {
    const job = await deps.jobs.get(message.account_id, message.gateway_id, message.job_id);
    if (!job) {
      deps.logger.warn("log delete message for an unknown job dropped", { job_id: message.job_id });
      return undefined;
    }
    if (job.status === "done" || job.status === "failed" || job.step > message.step) return undefined;
    if (job.step === message.step) return job;
    if (Date.now() >= deadline)
      throw new Error(
        `log delete job ${job.id} is at step ${job.step}, not yet ${message.step}; retrying later`,
      );
    await sleep(100);
  }
}

/** The next logs to delete, as the job's selection says. */
async function nextSlice(
  job: LogDeleteJob,
  deps: LogDeleteWorkerDependencies,
  progress: { cursor: string | undefined; deleted: number },
): Promise<Slice> {
  const { selection } = job;
  if (selection.kind === "retention") return retentionSlice(job, deps);
  const target = selection.limit === undefined ? undefined : Math.max(0, selection.limit - progress.deleted);
  const max = Math.min(deps.sliceSize, target ?? deps.sliceSize);
  if (max === 0) return { ids: [], cursor: progress.cursor, exhausted: true };
  // Only logs created before the delete was accepted: a job on a busy gateway does not chase new ones.
  const accepted: LogFilter = { key: "created_at", operator: "lt", value: [Date.parse(job.createdAt)] };
  const query: LogQuery = {
    filters: [...selection.filters, accepted],
    orderBy: selection.orderBy,
    direction: selection.direction,
  };
  if (selection.limit !== undefined && selection.orderBy !== "created_at") {
    // The first `limit` logs by cost, duration...: each slice takes the top of what is left, which adds up
    // to the top `limit` of the whole. Each reads every matching log (as a listing in that order does),
    // but in the worker, not in a request.
    const ids = await deps.logs.selectIds(job.accountId, job.gatewayId, query, max);
    return { ids, cursor: undefined, exhausted: ids.length < max, target };
  }
  // In created_at order (or any order, without a limit): the shards merged, resumed after the cursor.
  const slice = await deps.logs.matchingSlice(job.accountId, job.gatewayId, query, {
    after: progress.cursor,
    max,
    readLimit: max * READS_PER_DELETE,
  });
  return { ...slice, target };
}

/** DELETE_OLDEST: the oldest logs over the gateway's current limit, a slice at a time. */
async function retentionSlice(job: LogDeleteJob, deps: LogDeleteWorkerDependencies): Promise<Slice> {
  const retention = await deps.retention(job.accountId, job.gatewayId);
  if (retention?.strategy !== "DELETE_OLDEST") return { ids: [], cursor: undefined, exhausted: true };
  const { stored } = await deps.counters.read(job.accountId, job.gatewayId);
  const overflow = stored - retention.limit;
  if (overflow <= 0) return { ids: [], cursor: undefined, exhausted: true };
  const max = Math.min(deps.sliceSize, overflow);
  const ids = await deps.logs.oldestIds(job.accountId, job.gatewayId, max);
  return { ids, cursor: undefined, exhausted: ids.length === 0, target: overflow };
}

async function releaseRetention(job: LogDeleteJob, deps: LogDeleteWorkerDependencies): Promise<void> {
  if (job.selection.kind === "retention")
    await deps.jobs.unmarkRetentionJob(job.accountId, job.gatewayId, job.id);
}
