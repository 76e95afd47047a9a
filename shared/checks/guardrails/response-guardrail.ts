import type { StructuredLogger } from "../../core/structured-logger.ts";
import type { ResponseContext, ResponseTransform } from "../../pipeline/checks-stage.ts";
import { isEventStreamContentType } from "../../providers/aws-bedrock/event-stream.ts";
import { type GuardrailPhaseRules, phaseBlocks, phaseHasRules } from "../../schemas/guardrails.ts";
import { isSseContentType } from "../text/sse-events.ts";
import { responseBodyText } from "./body-text.ts";
import { createEventStreamGuardrail } from "./event-stream-guardrail.ts";
import { guardrailBlocked, guardrailScannerUnavailable } from "./guardrail-errors.ts";
import { type GuardrailEvaluator, ScannerUnavailableError } from "./guardrail-evaluator.ts";
import { judge, mergeIntoLog } from "./guardrail-verdict.ts";
import { SseTextReader } from "./sse-text-reader.ts";

export interface ResponseGuardrailOptions {
  evaluator: GuardrailEvaluator;
  logger: StructuredLogger;
  /** A stream is scanned each time this many tokens of new text have arrived, and at its end. */
  windowTokens: number;
}

/** Tokens are estimated at four characters each (English text under the common BPE tokenizers). */
const CHARS_PER_TOKEN = 4;

/** The end of the text scanned last, sent again before the next window so a phrase cut at the edge is seen whole. */
const OVERLAP_CHARS = 200;

/**
 * The response phase (reference 8.3). A whole answer (not a stream) is scanned before its status is sent and
 * refused with 424/2017 (422/2017 on `/ai/run`) when a BLOCK category is detected. A stream is scanned as
 * it passes (beyond Cloudflare, which buffers the whole stream): chunks are held only until the text they
 * carry has been scanned, which happens each `windowTokens` tokens and at the end; a block ends the stream
 * with the gateway error as an in-band event in the caller's format, and the held text never reaches the
 * client. The held window is the trade (docs/guardrails.md): a client sees text up to one window plus one
 * scan later than without guardrails.
 */
export function responseGuardrail(options: ResponseGuardrailOptions): ResponseTransform {
  const { evaluator, logger } = options;
  const windowChars = options.windowTokens * CHARS_PER_TOKEN;

  /** Scans a text, logs the verdict on the row, and returns the error that ends the response, if any. */
  async function scan(
    text: string,
    rules: GuardrailPhaseRules,
    response: ResponseContext,
  ): Promise<Error | null> {
    const { record } = response;
    const logged = record.guardrails?.response;
    try {
      const verdict = judge(rules, (await evaluator.evaluate(text, "response")).detected);
      record.guardrails = { ...record.guardrails, response: mergeIntoLog(logged, evaluator.name, verdict) };
      return verdict.action === "BLOCK"
        ? guardrailBlocked("response", verdict.categories, record.path)
        : null;
    } catch (error) {
      if (!(error instanceof ScannerUnavailableError)) throw error;
      record.guardrails = {
        ...record.guardrails,
        response: mergeIntoLog(logged, evaluator.name, "unavailable"),
      };
      logger.warn("guardrails scanner unavailable", {
        log_id: record.id,
        phase: "response",
        reason: error.message,
      });
      return phaseBlocks(rules) ? guardrailScannerUnavailable("response") : null;
    }
  }

  function rulesFor(response: ResponseContext): GuardrailPhaseRules | null {
    const rules = response.gateway?.guardrails?.response;
    const succeeded = response.status >= 200 && response.status < 300;
    return rules && succeeded && phaseHasRules(rules) ? rules : null;
  }

  return {
    name: "guardrails-response",
    // Streams are transformed as they pass; a whole JSON answer is checked by `whole` before its status goes out.
    appliesTo: (response) =>
      rulesFor(response) !== null &&
      (isSseContentType(response.contentType) ||
        isJson(response.contentType) ||
        isEventStreamContentType(response.contentType)),
    async whole(answer, response) {
      const rules = rulesFor(response);
      const text = rules ? responseBodyText(answer.body) : "";
      if (!rules || text.trim() === "") return answer;
      const refusal = await scan(text, rules, response);
      if (refusal) throw refusal;
      return answer;
    },
    stream(response) {
      const rules = rulesFor(response);
      // Bedrock's binary event stream (converse-stream, invoke-with-response-stream): event-stream-guardrail.ts.
      if (rules && isEventStreamContentType(response.contentType)) {
        const scanText = (text: string) => scan(text, rules, response);
        const options = { scan: scanText, windowChars, overlapChars: OVERLAP_CHARS, record: response.record };
        return createEventStreamGuardrail(options);
      }
      if (!rules || !isSseContentType(response.contentType)) return null;
      const reader = new SseTextReader();
      let held: Uint8Array[] = [];
      let unscanned = "";
      let overlap = "";

      const release = (controller: TransformStreamDefaultController<Uint8Array>) => {
        for (const chunk of held) controller.enqueue(chunk);
        held = [];
      };
      /** Scans what is held; on a block drops it and errors the stream (the surface writes the in-band event). */
      const scanHeld = async (controller: TransformStreamDefaultController<Uint8Array>) => {
        const refusal = await scan(overlap + unscanned, rules, response);
        if (refusal) {
          held = [];
          controller.error(refusal);
          return;
        }
        overlap = unscanned.slice(-OVERLAP_CHARS);
        unscanned = "";
        release(controller);
      };

      return {
        async transform(chunk, controller) {
          held.push(chunk);
          unscanned += reader.push(chunk);
          if (unscanned.length >= windowChars) return scanHeld(controller);
          // Nothing unscanned is held (no text yet, no unfinished line): the chunk goes on at once.
          if (unscanned === "" && !reader.pending) release(controller);
        },
        async flush(controller) {
          unscanned += reader.end();
          if (unscanned.trim() !== "") return scanHeld(controller);
          release(controller);
        },
      };
    },
  };
}

function isJson(contentType: string | null): boolean {
  return contentType?.toLowerCase().includes("json") === true;
}
