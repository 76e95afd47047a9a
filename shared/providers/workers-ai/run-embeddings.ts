import { isRecord } from "../../core/json-record.ts";

/**
 * Workers AI's embedding models (https://developers.cloudflare.com/workers-ai/models/, task "Text Embeddings"):
 * input `{text: string | string[]}`, answer `{result: {shape: [rows, dimensions], data: [[...], ...],
 * pooling: "mean"}, success: true, errors: [], messages: []}`. On `/ai/run` such an input is an embeddings
 * call of the unified pipeline (OpenAI's request), and OpenAI's list is written back in this shape.
 */
export function isWorkersAiEmbeddingInput(input: Record<string, unknown>): boolean {
  return input.text !== undefined && input.prompt === undefined && input.messages === undefined;
}

/** `{model, text}` -> OpenAI's embeddings request; other fields are left for its parser to refuse. */
export function workersAiEmbeddingRequest(input: Record<string, unknown>): Record<string, unknown> {
  const { text, ...rest } = input;
  return { ...rest, input: text };
}

/** OpenAI's embedding list -> Workers AI's result envelope. */
export function workersAiEmbeddingResult(list: unknown): Record<string, unknown> {
  const rows = isRecord(list) && Array.isArray(list.data) ? list.data : [];
  const data = rows
    .filter(isRecord)
    .sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0))
    .map((row) => (Array.isArray(row.embedding) ? row.embedding : []));
  return {
    result: { shape: [data.length, data[0]?.length ?? 0], data, pooling: "mean" },
    success: true,
    errors: [],
    messages: [],
  };
}
