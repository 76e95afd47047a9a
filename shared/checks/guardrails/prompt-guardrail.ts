import type { StructuredLogger } from "../../core/structured-logger.ts";
import type { CheckedRequest, RequestCheck } from "../../pipeline/checks-stage.ts";
import { phaseBlocks, phaseHasRules } from "../../schemas/guardrails.ts";
import { requestBodyText } from "./body-text.ts";
import { guardrailBlocked, guardrailScannerUnavailable } from "./guardrail-errors.ts";
import { type GuardrailEvaluator, ScannerUnavailableError } from "./guardrail-evaluator.ts";
import { judge, mergeIntoLog } from "./guardrail-verdict.ts";

/**
 * The prompt phase (reference 8.3): the request's text is scanned before anything goes upstream. A detected
 * category whose rule is BLOCK refuses the request (424/2016; 422/2017 on `/ai/run`); FLAG lets it through
 * and the log says so. When the scanner fails, a phase with a BLOCK rule refuses with 503/7013 and a phase
 * of FLAG rules only lets the request through, logged as scanned by an unavailable scanner.
 */
export function promptGuardrail(evaluator: GuardrailEvaluator, logger: StructuredLogger): RequestCheck {
  return {
    name: "guardrails-prompt",
    async check({ record, gateway }: CheckedRequest): Promise<void> {
      const rules = gateway.guardrails?.prompt;
      if (!rules || !phaseHasRules(rules)) return;
      const text = requestBodyText(record.requestBody);
      if (text.trim() === "") return;
      const logged = record.guardrails?.prompt;
      try {
        const verdict = judge(rules, (await evaluator.evaluate(text, "prompt")).detected);
        record.guardrails = { ...record.guardrails, prompt: mergeIntoLog(logged, evaluator.name, verdict) };
        if (verdict.action === "BLOCK") throw guardrailBlocked("prompt", verdict.categories, record.path);
      } catch (error) {
        if (!(error instanceof ScannerUnavailableError)) throw error;
        record.guardrails = {
          ...record.guardrails,
          prompt: mergeIntoLog(logged, evaluator.name, "unavailable"),
        };
        logger.warn("guardrails scanner unavailable", {
          log_id: record.id,
          phase: "prompt",
          reason: error.message,
        });
        if (phaseBlocks(rules)) throw guardrailScannerUnavailable("prompt");
      }
    },
  };
}
