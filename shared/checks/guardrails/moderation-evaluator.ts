import { z } from "zod";
import type { GuardrailCategory } from "../../schemas/guardrails.ts";
import {
  type GuardrailEvaluator,
  type GuardrailScan,
  ScannerUnavailableError,
  scanPieces,
} from "./guardrail-evaluator.ts";
import { categoryOfModeration } from "./moderation-categories.ts";

export interface ModerationEvaluatorOptions {
  /** The API's base URL, `https://api.openai.com/v1` or a compatible server's; `/moderations` is appended. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

/** The part of a moderation answer read here: each result's `categories` flags. */
const moderationAnswer = z.object({
  results: z.array(z.object({ categories: z.record(z.string(), z.boolean().nullable()) })).min(1),
});

/** Our choice: long texts go in pieces of this size, in parallel (as for Bedrock). */
const MAX_CHARS_PER_CALL = 20_000;

/**
 * An OpenAI-compatible moderation endpoint (`POST /v1/moderations`, `{model, input}`): OpenAI's own, or a
 * classifier of one's own that answers in its shape. The prompt and the response are scanned alike (the
 * API has no notion of source). Any category flagged true is detected (moderation-categories.ts maps them).
 */
export class ModerationGuardrailEvaluator implements GuardrailEvaluator {
  readonly name = "openai-moderation";

  constructor(private readonly options: ModerationEvaluatorOptions) {}

  evaluate(text: string, _phase: unknown, signal?: AbortSignal): Promise<GuardrailScan> {
    return scanPieces(text, MAX_CHARS_PER_CALL, (piece) => this.scanOne(piece, signal));
  }

  private async scanOne(input: string, signal?: AbortSignal): Promise<GuardrailCategory[]> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let answer: unknown;
    try {
      const response = await this.options.fetch(`${this.options.baseUrl.replace(/\/+$/, "")}/moderations`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: this.options.model, input }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`status ${response.status}`);
      }
      answer = await response.json();
    } catch (error) {
      throw new ScannerUnavailableError(`moderation endpoint failed: ${String(error).slice(0, 300)}`, {
        cause: error,
      });
    }
    const parsed = moderationAnswer.safeParse(answer);
    if (!parsed.success)
      throw new ScannerUnavailableError("moderation endpoint answered in an unknown shape");
    const found = new Set<GuardrailCategory>();
    for (const result of parsed.data.results) {
      for (const [key, flagged] of Object.entries(result.categories)) {
        const category = flagged ? categoryOfModeration(key) : undefined;
        if (category) found.add(category);
      }
    }
    return [...found];
  }
}
