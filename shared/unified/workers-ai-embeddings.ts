import { isRecord } from "../core/json-record.ts";
import { workersAiEmbeddingResult } from "../providers/workers-ai/run-embeddings.ts";
import type { ProviderCallResult } from "./provider-call-types.ts";
import { workersAiErrorCode } from "./workers-ai-format.ts";

/**
 * An `/ai/run` embeddings call answered in Workers AI's shapes: the unified embeddings operation answers
 * OpenAI's list (or OpenAI's error), a small JSON body, which is read whole and written again as Workers
 * AI's result envelope (or Cloudflare's v4 error envelope, with the provider's status).
 */
export function asWorkersAiEmbeddings(result: ProviderCallResult): ProviderCallResult {
  const source = result.body;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const text = await new Response(source).text();
      const parsed = parse(text);
      const answer =
        result.status < 400
          ? workersAiEmbeddingResult(parsed)
          : {
              success: false,
              errors: [
                { code: workersAiErrorCode(result.status), message: messageOf(parsed, result.status) },
              ],
              messages: [],
              result: null,
            };
      controller.enqueue(new TextEncoder().encode(JSON.stringify(answer)));
      controller.close();
    },
  });
  return { ...result, body, contentType: "application/json" };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(body: unknown, status: number): string {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return typeof error?.message === "string" ? error.message : `The provider answered ${status}`;
}
