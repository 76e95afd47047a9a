import type { LogCounterStore } from "../store/log-counter-store.ts";
import type { LogStore } from "../store/log-store.ts";

/** A gateway's `log_management` setting (reference 6.2): the most logs it stores, and what happens then. */
export interface LogRetention {
  limit: number;
  strategy: "STOP_INSERTING" | "DELETE_OLDEST";
}

/** Where DELETE_OLDEST hands an overflow larger than one slice: a log-delete job (log-delete-jobs.ts). */
export interface RetentionHandOff {
  sliceSize: number;
  startRetention(accountId: string, gatewayId: string): Promise<boolean>;
}

/**
 * DELETE_OLDEST: once the stored count passes the limit, deletes the overflow from the old end of the
 * partition (a query in ascending sort-key order with Limit = overflow, never a scan) and subtracts what
 * was actually deleted. Two writers that overflow together pick the same oldest ids; each delete is
 * conditional, so each log is subtracted once; one that read an older count after another's delete may
 * trim a log more than needed, which the subtraction then shows, so the count stays true and the next
 * logs refill it. Returns how many logs were deleted.
 *
 * An overflow larger than one slice (a limit lowered, a burst) is not deleted in the log-writer's batch: it
 * goes to a log-delete job (`deleteJobs`), one per gateway at a time, which trims it a slice at a time.
 */
export async function enforceLogLimit(
  stores: {
    logs: LogStore;
    counters: LogCounterStore;
    deleteJobs?: RetentionHandOff;
  },
  accountId: string,
  gatewayId: string,
  limit: number,
  storedCount?: number,
): Promise<number> {
  const stored = storedCount ?? (await stores.counters.read(accountId, gatewayId)).stored;
  const overflow = stored - limit;
  if (overflow <= 0) return 0;
  const jobs = stores.deleteJobs;
  if (jobs && overflow > jobs.sliceSize) {
    await jobs.startRetention(accountId, gatewayId);
    return 0;
  }
  const ids = await stores.logs.oldestIds(accountId, gatewayId, overflow);
  const removed = await stores.logs.removeLogs(accountId, gatewayId, ids);
  await stores.counters.subtract(accountId, gatewayId, removed.count, removed.expiring);
  return removed.count;
}
