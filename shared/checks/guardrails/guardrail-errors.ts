import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import type { GuardrailCategory, GuardrailPhase } from "../../schemas/guardrails.ts";

/** Cloudflare's REST `/ai/run` (reference 8.3's "/run API" column), where a block is a 422; everything else is a provider route. */
const RUN_API = /^\/client\/v4\/accounts\/[^/]+\/ai\/run(\/|$)/;

/**
 * Reference 8.3: a blocked prompt is 424/2016 and a blocked response 424/2017 on provider-specific endpoints;
 * on the `/run` API both are 422/2017. The status follows the path the client called.
 */
export function guardrailBlocked(
  phase: GuardrailPhase,
  categories: readonly GuardrailCategory[],
  path: string,
): GatewayError {
  const onRunApi = RUN_API.test(path);
  const what = phase === "prompt" ? "Prompt" : "Response";
  return new GatewayError({
    status: onRunApi ? 422 : 424,
    code:
      phase === "prompt" && !onRunApi
        ? ERROR_CODES.guardrailPromptBlocked
        : ERROR_CODES.guardrailResponseBlocked,
    message: `${what} blocked by the gateway's guardrails (${categories.join(", ")})`,
  });
}

/** Reference 8.3: the scanner failed and a rule of the phase blocks, so nothing may pass unscanned (503/7013). */
export function guardrailScannerUnavailable(phase: GuardrailPhase): GatewayError {
  return new GatewayError({
    status: 503,
    code: ERROR_CODES.guardrailScannerUnavailable,
    message: `The guardrails scanner is unavailable and a ${phase} rule blocks: try again later`,
    retryable: true,
    expose: true,
  });
}
