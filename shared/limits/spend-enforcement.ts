import type { StructuredLogger } from "../core/structured-logger.ts";
import { customCostOf } from "../pricing/custom-cost.ts";
import type { LogEvent } from "../schemas/log-event.ts";
import type { SpendLimits } from "../schemas/spend-limits.ts";
import type { SpendHold, SpendStore } from "../store/spend-store.ts";
import { spendUpperBound } from "./spend-bound.ts";
import { type SpendRequest, spendBucketsFor } from "./spend-buckets.ts";
import { spendLimitExceededError } from "./spend-error.ts";

/**
 * The two call sites of spend limits in the proxy (docs/spend-limits.md), one line each:
 * - before the request is sent: `await reserveSpend(...)` reserves an upper bound of its cost in every
 *   applicable budget, or throws the 429 / 2041 GatewayError when it does not fit;
 * - once its log event is built: `await reservation?.settleEvent(event)` corrects the budgets to the real
 *   cost (deliverLogEvent does it for every surface).
 */
export interface SpendReservationInput {
  accountId: string;
  gatewayId: string;
  limits: SpendLimits | null | undefined;
  /** Which rules apply; a function is called only when the gateway has rules (it may parse the body). */
  request: SpendRequest | (() => SpendRequest);
  /** The body the bound is worked out from (spend-bound.ts). */
  body: Uint8Array | null;
  /** The request's headers, for `cf-aig-custom-cost`, which prices the bound when present. */
  headers: Headers;
  nowMs: number;
}

/**
 * Reserves the request's bound. Answers null when there is nothing to hold (no store, spend limits off, no
 * rule applies), else the reservation to settle once the cost is known. A storage failure is logged and
 * the request let through (fail-open: a budget must not take the gateway down with DynamoDB); its cost is
 * still added at settlement where storage works again.
 */
export async function reserveSpend(
  store: SpendStore | null | undefined,
  logger: Pick<StructuredLogger, "warn">,
  input: SpendReservationInput,
): Promise<SpendReservation | null> {
  const { limits } = input;
  if (!store || !limits?.enabled || limits.rules.length === 0) return null;
  const request = typeof input.request === "function" ? input.request() : input.request;
  const buckets = spendBucketsFor(limits, request, input.nowMs);
  if (buckets.length === 0) return null;
  const bound = spendUpperBound({
    provider: request.provider,
    model: request.model,
    body: input.body,
    customCost: customCostOf(input.headers),
  });
  let reserved: Awaited<ReturnType<SpendStore["reserve"]>>;
  try {
    reserved = await store.reserve(input.accountId, input.gatewayId, buckets, bound, input.nowMs);
  } catch (error) {
    reserved = { exceeded: null, holds: [], errors: [error] };
  }
  for (const error of reserved.errors) {
    logger.warn("spend limits unavailable; request let through", { reason: String(error) });
  }
  if (reserved.exceeded) throw spendLimitExceededError(reserved.exceeded, request.provider, request.model);
  return new SpendReservation(store, logger, reserved.holds);
}

/** What one request holds in its budgets until it is settled, once. */
export class SpendReservation {
  private settled = false;

  constructor(
    private readonly store: SpendStore,
    private readonly logger: Pick<StructuredLogger, "warn">,
    private readonly holds: readonly SpendHold[],
  ) {}

  /**
   * Settles to a finished request's log event: its cost. A response the provider began but that was cut
   * (the client left, the provider failed mid-stream) before any usage was reported keeps its whole
   * reservation instead: the provider bills the tokens it generated, which nobody could count, and
   * settling to 0 would make leaving early a way around a budget.
   */
  async settleEvent(
    event: Pick<LogEvent, "cost" | "status_code" | "client_aborted" | "error">,
  ): Promise<void> {
    const began = event.status_code >= 200 && event.status_code < 400;
    const cut = event.client_aborted || event.error !== null;
    if (event.cost === null && began && cut) {
      this.settled = true;
      return;
    }
    await this.settle(event.cost);
  }

  /**
   * Replaces the reservation by the real cost (null, for a request that failed or was not priced: 0).
   * Only the first call counts. A failure is logged and leaves the reservation in place, which errs on
   * the side of refusing: it stops counting when its window ends.
   */
  async settle(costUsd: number | null | undefined): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    try {
      await this.store.settle(this.holds, costUsd ?? null);
    } catch (error) {
      this.logger.warn("spend reservation could not be settled", { reason: String(error) });
    }
  }
}
