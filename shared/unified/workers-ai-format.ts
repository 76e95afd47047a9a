import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import { isRecord } from "../core/json-record.ts";
import { workersAiInputToChat } from "../providers/workers-ai/run-input.ts";
import { createWorkersAiStream, workersAiResult } from "../providers/workers-ai/run-result.ts";
import type { CallerFormat } from "./caller-format.ts";

/**
 * The Workers AI caller (`/ai/run`, the provider-native `/workers-ai/@cf/...` path): Workers AI's input,
 * its v4 envelope and its SSE events (shared/providers/workers-ai/), errors in Cloudflare's v4 envelope.
 * The body arrives with the model already set from the path or the `/ai/run` envelope.
 */
export const workersAiCallerFormat: CallerFormat = {
  dialect: "cloudflare",
  toCanonical: (body) =>
    workersAiInputToChat(body, isRecord(body) && typeof body.model === "string" ? body.model : ""),
  completion: workersAiResult,
  stream() {
    const stream = createWorkersAiStream();
    return {
      push: stream.push,
      finish: stream.finish,
      error: (status, _type, message) => stream.error(workersAiErrorCode(status), message),
    };
  },
  providerError: (status, _type, message) => ({
    success: false,
    errors: [{ code: workersAiErrorCode(status), message }],
    messages: [],
    result: null,
  }),
};

/** A provider's failure as a Cloudflare code: rejected credentials 2009 (reference 1.3), rate limits 2003. */
export function workersAiErrorCode(status: number): number {
  if (status === 401 || status === 403) return ERROR_CODES.unauthorized;
  if (status === 429) return ERROR_CODES.rateLimited;
  return status < 500 ? ERROR_CODES.invalidInput : ERROR_CODES.upstreamUnavailable;
}

/**
 * The Workers AI input with its model: `/ai/run/{model}` and `/workers-ai/{model}` take the input as the body;
 * `/ai/run` takes Cloudflare's envelope `{"model", "input": {...}}` (reference 1.3).
 */
export function workersAiRunBody(body: unknown, pathModel: string | undefined): Record<string, unknown> {
  if (!isRecord(body))
    throw GatewayError.badRequest("Invalid Workers AI input: the body must be a JSON object");
  if (pathModel !== undefined) return { ...body, model: pathModel };
  const extra = Object.keys(body).filter((key) => key !== "model" && key !== "input");
  if (typeof body.model !== "string" || body.model === "" || !isRecord(body.input) || extra.length > 0) {
    throw GatewayError.badRequest(
      'Invalid /ai/run request: send {"model": "@cf/...", "input": {...}}, or name the model in the path (/ai/run/@cf/...)',
    );
  }
  return { ...body.input, model: body.model };
}
