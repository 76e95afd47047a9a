import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import type { SpendTechnique } from "./spend-buckets.ts";

/** The rule that stopped a request, and what its bucket had spent. */
export interface SpendExceeded {
  ruleId: string;
  limit: number;
  window: number;
  technique: SpendTechnique;
  spent: number;
}

/**
 * The refusal (reference 5.5): 429, code 2041,
 * `Spend limit exceeded: rule '<id>' (cost limit <limit> per <window>s, <technique>) for <provider> <model>`.
 */
export function spendLimitExceededError(
  exceeded: SpendExceeded,
  provider: string | null,
  model: string | null,
): GatewayError {
  const target =
    [provider, model].filter((part): part is string => Boolean(part)).join(" ") || "this request";
  return new GatewayError({
    status: 429,
    code: ERROR_CODES.spendLimitExceeded,
    message:
      `Spend limit exceeded: rule '${exceeded.ruleId}' (cost limit ${exceeded.limit} per ${exceeded.window}s, ` +
      `${exceeded.technique}) for ${target}`,
  });
}
