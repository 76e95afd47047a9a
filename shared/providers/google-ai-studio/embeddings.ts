import { ERROR_CODES, GatewayError } from "../../core/gateway-error.ts";
import { isRecord } from "../../translation/common/json-values.ts";
import {
  type EmbeddingsRequest,
  embeddingList,
  embeddingTexts,
  type OpenAIEmbeddingList,
} from "../../translation/embeddings/request.ts";
import type { TranslatedRequest } from "../../translation/types.ts";
import type { EmbeddingsRoute } from "../provider-definition.ts";

/**
 * Google AI Studio `models/{model}:batchEmbedContents`
 * (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents): one `EmbedContentRequest` per
 * input text, `dimensions` -> `outputDimensionality`; the answer's `embeddings[].values` come back in order.
 */
const SUPPORTED = new Set(["model", "input", "encoding_format", "dimensions"]);

export function geminiEmbeddingsRequest(request: EmbeddingsRequest, model: string): TranslatedRequest {
  const texts = embeddingTexts(request, "google-ai-studio", SUPPORTED);
  return {
    path: `v1beta/models/${encodeURIComponent(model)}:batchEmbedContents`,
    body: {
      requests: texts.map((text) => ({
        model: `models/${model}`,
        content: { parts: [{ text }] },
        ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
      })),
    },
  };
}

/**
 * Gemini's answer as an OpenAI list. batchEmbedContents reports no token count, so usage is 0 in the
 * answer (and unknown in the log).
 */
export function geminiEmbeddingsResponse(
  body: unknown,
  request: EmbeddingsRequest,
  model: string,
): OpenAIEmbeddingList {
  const embeddings = isRecord(body) ? body.embeddings : undefined;
  if (!Array.isArray(embeddings)) throw malformed("no embeddings list");
  const vectors = embeddings.map((entry) => {
    const values = isRecord(entry) ? entry.values : undefined;
    if (!Array.isArray(values) || !values.every((value) => typeof value === "number"))
      throw malformed("an embedding without values");
    return values as number[];
  });
  return embeddingList(vectors, request, model, 0);
}

function malformed(what: string): GatewayError {
  return new GatewayError({
    status: 502,
    code: ERROR_CODES.upstreamUnavailable,
    message: `google-ai-studio returned ${what}`,
    expose: true,
  });
}

/** The embeddings adapter of google-ai-studio's registry row. */
export function geminiEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsRoute {
  return {
    translated: geminiEmbeddingsRequest(request, model),
    toList: (body) => geminiEmbeddingsResponse(body, request, model),
    usageFromList: false,
  };
}
