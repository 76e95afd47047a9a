import { randomUUID } from "node:crypto";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import { type AnalyticsStore, bucketStart } from "../store/analytics-store.ts";
import type { LogCounterStore } from "../store/log-counter-store.ts";
import { expiryFor } from "../store/log-items.ts";
import type { Granularity } from "../store/log-keys.ts";
import type { LogStore } from "../store/log-store.ts";
import { addFigures, type Figures, figuresOf } from "./analytics-figures.ts";
import { enforceLogLimit, type LogRetention, type RetentionHandOff } from "./log-retention.ts";

export interface LogWriterDependencies {
  logs: LogStore;
  counters: LogCounterStore;
  analytics: AnalyticsStore;
  /** The gateway's `log_management`, or null when it stores logs without limit. */
  retention(accountId: string, gatewayId: string): Promise<LogRetention | null>;
  /** Where DELETE_OLDEST's overflows larger than a slice go (log-retention.ts); unset, trimmed in the batch. */
  deleteJobs?: RetentionHandOff;
  logger: StructuredLogger;
  /** LOGS_TTL_DAYS: logs expire this many days after they are written; 0 keeps them. */
  ttlDays?: number;
  now?: () => number;
}

const GRANULARITIES: readonly Granularity[] = ["hour", "day"];
// Spend limits are not a step: the proxy settles each request's cost in its budgets (docs/spend-limits.md).
const ALL_STEPS = ["count", ...GRANULARITIES];

/** How long a delivery holds a log it is storing: the log-writer's Lambda timeout (60 s), which ends any holder. */
const CLAIM_MS = 60_000;

/**
 * Stores one log event and applies what it adds to the counters, exactly once although SQS delivers at
 * least once: `storeLogEvents` with one event.
 */
export async function storeLogEvent(event: LogEvent, deps: LogWriterDependencies): Promise<void> {
  const [failure] = await storeLogEvents([event], deps);
  if (failure !== undefined) throw failure;
}

/**
 * Stores a batch of distinct log events and applies what they add to the counters, exactly once although
 * SQS delivers at least once. Answers, for each event in order, undefined when it is stored and applied,
 * or the error that stopped it (its message is then retried).
 *
 * Each log is inserted only if absent; its item then records (`applied`) which steps have been done:
 * "count" (the stored-log counter) and "hour" / "day" (analytics buckets). A redelivery, or a retry after
 * a partial failure, does only the steps not yet recorded; when every log the batch inserted has applied every step, one record of the batch per gateway
 * stands for their own (`recordSteps`). The steps are shared across the batch: one counter ADD per gateway (one per log under
 * STOP_INSERTING, whose limit is checked log by log) and one analytics ADD per bucket item for the sum of
 * the batch's logs that fall in it; a log records a step only once the shared update that covers it
 * succeeded, and a failed shared update fails every log it covered, which the retry then applies again.
 * The window left is a crash between an update and its records, which applies that update twice for the
 * logs it covered; DynamoDB transactions would close it, but dynalite (npm start) has none. Two deliveries
 * at once are kept apart by a claim with a deadline on the log item: the one that inserted holds it;
 * another finishes the steps only once the claim has run out.
 *
 * A log dropped by STOP_INSERTING is not stored: a short-lived drop marker holds its steps instead, and
 * it still counts in analytics, which describe traffic, not storage.
 */
export async function storeLogEvents(
  events: LogEvent[],
  deps: LogWriterDependencies,
): Promise<(unknown | undefined)[]> {
  const now = deps.now?.() ?? Date.now();
  const expiresAt = expiryFor(now, deps.ttlDays ?? 0);
  const writeBatch = randomUUID();
  const failures: (unknown | undefined)[] = events.map(() => undefined);
  try {
    // The bodies first (S3 objects, or one BatchWriteItem per 25 logs in the table layout), as
    // `LogStore.insert` does.
    await deps.logs.putBodies(events, expiresAt);
  } catch (error) {
    return events.map(() => error);
  }
  const started = await Promise.allSettled(
    events.map((event) => begin(event, deps, now, expiresAt, writeBatch)),
  );
  const work: Work[] = [];
  started.forEach((result, index) => {
    if (result.status === "rejected") failures[index] = result.reason;
    else if (result.value) work.push({ ...result.value, index });
  });
  try {
    await countStep(work, deps, expiresAt);
    await analyticsStep(work, deps, now);
  } finally {
    // Recorded even after a failure, so the retry does only what is left (and the claim is released).
    await recordSteps(work, deps, writeBatch);
  }
  for (const item of work) failures[item.index] = item.error;
  return failures;
}

interface Progress {
  /** Steps this delivery has applied. */
  done: string[];
  /** The log was dropped by STOP_INSERTING: the drop marker, not the log, records the steps. */
  dropped: boolean;
  /** Steps an earlier delivery applied. */
  applied: Set<string>;
}

interface Work {
  event: LogEvent;
  /** This delivery inserted the log item (it carries this batch's id). */
  inserted: boolean;
  retention: LogRetention | null;
  progress: Progress;
  /** Position in the batch. */
  index: number;
  /** Set by the first step that failed; later steps skip the log. */
  error?: unknown;
}

/** Inserts the log item, or finds what an earlier delivery left to do; null when nothing is left. */
async function begin(
  event: LogEvent,
  deps: LogWriterDependencies,
  now: number,
  expiresAt: number | undefined,
  writeBatch: string,
): Promise<Omit<Work, "index"> | null> {
  const { account_id: accountId, gateway_id: gatewayId, id } = event;
  const retention = await deps.retention(accountId, gatewayId);
  const inserted = await deps.logs.insertLogItem(event, expiresAt, now + CLAIM_MS, writeBatch);

  let dropped = false;
  let applied: Set<string> | undefined;
  if (!inserted) {
    applied = await deps.logs.appliedSteps(accountId, gatewayId, id);
    // Stored, then deleted (by retention or a user) before this read: it was handled in full.
    if (!applied || ALL_STEPS.every((step) => applied?.has(step))) return null;
    // Unfinished: another delivery may be storing it right now. If so, SQS retries this one later.
    if (!(await deps.logs.claim(accountId, gatewayId, id, now, now + CLAIM_MS)))
      throw new Error(`log ${id} is being stored by another delivery; retrying later`);
    applied = (await deps.logs.appliedSteps(accountId, gatewayId, id)) ?? new Set(ALL_STEPS);
  } else if (retention?.strategy === "STOP_INSERTING") {
    // A dropped log delivered again is inserted again: its marker says it was dropped.
    applied = await deps.counters.droppedSteps(accountId, gatewayId, id);
    if (applied) {
      await deps.logs.deleteLogs(accountId, gatewayId, [id]);
      dropped = true;
    }
  }
  return { event, inserted, retention, progress: { done: [], dropped, applied: applied ?? new Set() } };
}

/** Runs a step for some logs; on failure they all keep its error and skip the steps after it. */
async function settle(items: Work | Work[], step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    for (const item of Array.isArray(items) ? items : [items]) item.error ??= error;
  }
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

const gatewayKey = (event: LogEvent) => JSON.stringify([event.account_id, event.gateway_id]);

/** The stored-log counter: one ADD per gateway, or one per log when STOP_INSERTING checks the limit. */
async function countStep(
  work: Work[],
  deps: LogWriterDependencies,
  /** The batch's logs expire together: the counter lets go of them in that minute (log-counter-store.ts). */
  expiresAt: number | undefined,
): Promise<void> {
  const pending = work.filter(
    (item) => !item.error && !item.progress.dropped && !item.progress.applied.has("count"),
  );
  const limited = pending.filter((item) => item.retention?.strategy === "STOP_INSERTING");
  const unlimited = pending.filter((item) => item.retention?.strategy !== "STOP_INSERTING");
  await Promise.all([
    ...limited.map((item) => settle(item, () => countLimited(item, deps, expiresAt))),
    ...groupBy(unlimited, (item) => gatewayKey(item.event)).map((group) =>
      settle(group, async () => {
        const [first] = group as [Work, ...Work[]];
        const { account_id: accountId, gateway_id: gatewayId } = first.event;
        const stored =
          (await deps.counters.increment(accountId, gatewayId, undefined, group.length, expiresAt)) ?? 0;
        for (const item of group) item.progress.done.push("count");
        // The logs of one gateway share its cached log_management setting.
        const { retention } = first;
        if (retention?.strategy === "DELETE_OLDEST" && stored > retention.limit) {
          await enforceLogLimit(deps, accountId, gatewayId, retention.limit, stored);
        }
      }),
    ),
  ]);
}

/** STOP_INSERTING: counts the log if the gateway is under its limit, else deletes it and marks it dropped. */
async function countLimited(
  item: Work,
  deps: LogWriterDependencies,
  expiresAt: number | undefined,
): Promise<void> {
  const { account_id: accountId, gateway_id: gatewayId, id } = item.event;
  const limit = item.retention?.limit;
  const stored = await deps.counters.increment(accountId, gatewayId, limit, 1, expiresAt);
  if (stored !== null) {
    item.progress.done.push("count");
    return;
  }
  await deps.logs.deleteLogs(accountId, gatewayId, [id]);
  if (await deps.counters.markDropped(accountId, gatewayId, id)) {
    deps.logger.warn("log dropped: gateway log limit reached", {
      gateway_id: gatewayId,
      log_id: id,
      log_management: limit,
      log_management_strategy: "STOP_INSERTING",
    });
  }
  item.progress.dropped = true;
  item.progress.applied = (await deps.counters.droppedSteps(accountId, gatewayId, id)) ?? new Set();
}

/** The hour and day buckets: one ADD per bucket item, of the figures of every log of the batch in it. */
async function analyticsStep(work: Work[], deps: LogWriterDependencies, now: number): Promise<void> {
  interface BucketUpdate {
    event: LogEvent;
    granularity: Granularity;
    start: string;
    figures: Figures;
    items: Work[];
  }
  const updates = new Map<string, BucketUpdate>();
  for (const item of work) {
    if (item.error) continue;
    const { event } = item;
    const createdAt = Date.parse(event.created_at);
    const time = Number.isNaN(createdAt) ? now : createdAt;
    const figures = figuresOf(event);
    for (const granularity of GRANULARITIES) {
      if (item.progress.applied.has(granularity)) continue;
      const start = bucketStart(time, granularity);
      const key = JSON.stringify([
        event.account_id,
        event.gateway_id,
        granularity,
        start,
        event.provider,
        event.model,
      ]);
      const update = updates.get(key);
      if (update) {
        addFigures(update.figures, figures);
        update.items.push(item);
      } else {
        updates.set(key, { event, granularity, start, figures: { ...figures }, items: [item] });
      }
    }
  }
  await Promise.all(
    [...updates.values()].map(({ event, granularity, start, figures, items }) =>
      settle(items, async () => {
        await deps.analytics.add(
          event.account_id,
          event.gateway_id,
          granularity,
          start,
          { provider: event.provider, model: event.model },
          figures,
        );
        for (const item of items) item.progress.done.push(granularity);
      }),
    ),
  );
}

/**
 * Records what each log applied. When every log this batch inserted (and kept) has applied every step, one
 * record per gateway for the batch stands for theirs (`LogStore.appliedSteps` reads it through the
 * `write_batch` of the log item); their claims then simply run out. Otherwise, or if that write fails, each
 * log records its own steps, as do the logs an earlier delivery inserted.
 */
async function recordSteps(work: Work[], deps: LogWriterDependencies, writeBatch: string): Promise<void> {
  const inBatch = work.filter((item) => item.inserted && !item.progress.dropped);
  const finished = (item: Work) =>
    !item.error && ALL_STEPS.every((step) => item.progress.done.includes(step));
  const byBatch = inBatch.length > 0 && inBatch.every(finished) ? inBatch : [];
  const rest = work.filter((item) => !byBatch.includes(item));
  await Promise.all([
    ...groupBy(byBatch, (item) => gatewayKey(item.event)).map(async (group) => {
      const [first] = group as [Work, ...Work[]];
      try {
        await deps.logs.markBatchApplied(
          first.event.account_id,
          first.event.gateway_id,
          writeBatch,
          ALL_STEPS,
        );
      } catch {
        await Promise.all(group.map((item) => settle(item, () => record(item, deps))));
      }
    }),
    ...rest.map((item) => settle(item, () => record(item, deps))),
  ]);
}

async function record(item: Work, deps: LogWriterDependencies): Promise<void> {
  const { account_id: accountId, gateway_id: gatewayId, id } = item.event;
  if (item.progress.dropped)
    await deps.counters.markDroppedApplied(accountId, gatewayId, id, item.progress.done);
  else await deps.logs.markApplied(accountId, gatewayId, id, item.progress.done);
}
