import type { StructuredLogger } from "../core/structured-logger.ts";
import { recordSpend } from "../limits/spend-enforcement.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { SpendLimits } from "../schemas/spend-limits.ts";
import { type AnalyticsStore, bucketStart } from "../store/analytics-store.ts";
import type { LogCounterStore } from "../store/log-counter-store.ts";
import { expiryFor } from "../store/log-items.ts";
import type { Granularity } from "../store/log-keys.ts";
import type { LogStore } from "../store/log-store.ts";
import type { SpendStore } from "../store/spend-store.ts";
import { figuresOf } from "./analytics-figures.ts";
import { enforceLogLimit, type LogRetention } from "./log-retention.ts";

export interface LogWriterDependencies {
  logs: LogStore;
  counters: LogCounterStore;
  analytics: AnalyticsStore;
  /** The gateway's `log_management`, or null when it stores logs without limit. */
  retention(accountId: string, gatewayId: string): Promise<LogRetention | null>;
  logger: StructuredLogger;
  /** LOGS_TTL_DAYS: logs expire this many days after they are written; 0 keeps them. */
  ttlDays?: number;
  now?: () => number;
  /** Spend-limit counters and each gateway's rules: a stored log's cost is added to its budgets. */
  spend?: { store: SpendStore; limits(accountId: string, gatewayId: string): Promise<SpendLimits | null> };
}

const GRANULARITIES: readonly Granularity[] = ["hour", "day"];
const ALL_STEPS = ["count", ...GRANULARITIES, "spend"];

/** How long a delivery holds a log it is storing: the log-writer's Lambda timeout (60 s), which ends any holder. */
const CLAIM_MS = 60_000;

/**
 * Stores one log event and applies what it adds to the counters, exactly once although SQS delivers
 * at least once. The log is inserted only if absent; its item then records (`applied`) which steps have
 * been done: "count" (the stored-log counter), "hour" / "day" (analytics buckets) and "spend" (the
 * spend-limit budgets its cost counts against). A redelivery, or a
 * retry after a partial failure, does only the steps not yet recorded. The window left is a crash between
 * an update and its record, which applies that update twice; DynamoDB transactions would close it, but
 * dynalite (npm start) has none. Two deliveries at once are kept apart by a claim with a deadline on the
 * log item: the one that inserted holds it; another finishes the steps only once the claim has run out.
 *
 * A log dropped by STOP_INSERTING is not stored: a short-lived drop marker holds its steps instead, and
 * it still counts in analytics, which describe traffic, not storage.
 */
export async function storeLogEvent(event: LogEvent, deps: LogWriterDependencies): Promise<void> {
  const { account_id: accountId, gateway_id: gatewayId, id } = event;
  const now = deps.now?.() ?? Date.now();
  const retention = await deps.retention(accountId, gatewayId);
  const inserted = await deps.logs.insert(event, expiryFor(now, deps.ttlDays ?? 0), now + CLAIM_MS);

  let dropped = false;
  let applied: Set<string> | undefined;
  if (!inserted) {
    applied = await deps.logs.appliedSteps(accountId, gatewayId, id);
    // Stored, then deleted (by retention or a user) before this read: it was handled in full.
    if (!applied || ALL_STEPS.every((step) => applied?.has(step))) return;
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
  applied ??= new Set();

  const progress: Progress = { done: [], dropped, applied };
  try {
    await applySteps(event, deps, retention, now, progress);
  } finally {
    // Recorded even after a failure, so the retry does only what is left (and the claim is released).
    if (progress.dropped) await deps.counters.markDroppedApplied(accountId, gatewayId, id, progress.done);
    else await deps.logs.markApplied(accountId, gatewayId, id, progress.done);
  }
}

interface Progress {
  /** Steps this delivery has applied. */
  done: string[];
  /** The log was dropped by STOP_INSERTING: the drop marker, not the log, records the steps. */
  dropped: boolean;
  /** Steps an earlier delivery applied. */
  applied: Set<string>;
}

async function applySteps(
  event: LogEvent,
  deps: LogWriterDependencies,
  retention: LogRetention | null,
  now: number,
  progress: Progress,
): Promise<void> {
  const { account_id: accountId, gateway_id: gatewayId, id } = event;
  if (!progress.dropped && !progress.applied.has("count")) {
    const limit = retention?.strategy === "STOP_INSERTING" ? retention.limit : undefined;
    const stored = await deps.counters.increment(accountId, gatewayId, limit);
    if (stored === null) {
      await deps.logs.deleteLogs(accountId, gatewayId, [id]);
      if (await deps.counters.markDropped(accountId, gatewayId, id)) {
        deps.logger.warn("log dropped: gateway log limit reached", {
          gateway_id: gatewayId,
          log_id: id,
          log_management: limit,
          log_management_strategy: "STOP_INSERTING",
        });
      }
      progress.dropped = true;
      progress.applied = (await deps.counters.droppedSteps(accountId, gatewayId, id)) ?? new Set();
    } else {
      progress.done.push("count");
      if (retention?.strategy === "DELETE_OLDEST" && stored > retention.limit) {
        await enforceLogLimit(deps, accountId, gatewayId, retention.limit, stored);
      }
    }
  }

  const figures = figuresOf(event);
  const createdAt = Date.parse(event.created_at);
  const time = Number.isNaN(createdAt) ? now : createdAt;
  const pending = GRANULARITIES.filter((granularity) => !progress.applied.has(granularity));
  const results = await Promise.allSettled(
    pending.map((granularity) =>
      deps.analytics.add(
        accountId,
        gatewayId,
        granularity,
        bucketStart(time, granularity),
        { provider: event.provider, model: event.model },
        figures,
      ),
    ),
  );
  results.forEach((result, index) => {
    const granularity = pending[index];
    if (result.status === "fulfilled" && granularity) progress.done.push(granularity);
  });
  const failure = results.find((result) => result.status === "rejected");
  if (failure?.status === "rejected") throw failure.reason;

  if (!progress.applied.has("spend")) {
    if (deps.spend) await recordSpend(deps.spend.store, await deps.spend.limits(accountId, gatewayId), event);
    progress.done.push("spend");
  }
}
