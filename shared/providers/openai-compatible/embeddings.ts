import { GatewayError } from "../../core/gateway-error.ts";
import { type EmbeddingsRequest, embeddingTexts } from "../../translation/embeddings/request.ts";
import type { TranslatedRequest } from "../../translation/types.ts";
import type { EmbeddingsRoute } from "../provider-definition.ts";

/**
 * Providers with an OpenAI-shaped `/embeddings` endpoint, called natively; their answer is already an
 * OpenAI list and is passed through. Each is the embeddings adapter of its registry row; other
 * OpenAI-compatible providers (groq, deepseek, grok, perplexity-ai, cerebras) publish no embeddings endpoint
 * and have none.
 */
function passedThrough(translated: TranslatedRequest): EmbeddingsRoute {
  return { translated, toList: null, usageFromList: false };
}

/** https://platform.openai.com/docs/api-reference/embeddings/create: the body as sent. */
export function openAIEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsRoute {
  return passedThrough({ path: "embeddings", body: { ...request, model } });
}

/** https://openrouter.ai/docs/api_reference/embeddings: OpenAI's shape. */
export function openRouterEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsRoute {
  return passedThrough({
    path: "embeddings",
    body: {
      model,
      input: embeddingTexts(
        request,
        "openrouter",
        new Set(["model", "input", "encoding_format", "dimensions", "user"]),
      ),
      ...pick(request, ["encoding_format", "dimensions", "user"]),
    },
  });
}

/** https://docs.mistral.ai/api/endpoint/embeddings: `dimensions` is `output_dimension`. */
export function mistralEmbeddings(request: EmbeddingsRequest, model: string): EmbeddingsRoute {
  const input = embeddingTexts(
    request,
    "mistral",
    new Set(["model", "input", "encoding_format", "dimensions"]),
  );
  return passedThrough({
    path: "v1/embeddings",
    body: {
      model,
      input,
      ...pick(request, ["encoding_format"]),
      ...(request.dimensions === undefined ? {} : { output_dimension: request.dimensions }),
    },
  });
}

function pick(request: EmbeddingsRequest, keys: (keyof EmbeddingsRequest)[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (request[key] !== undefined) picked[key] = request[key];
  return picked;
}

export function refuseEmbeddingsProvider(provider: string): GatewayError {
  return GatewayError.badRequest(
    `Provider ${provider} offers no embeddings through the unified API: use openai, mistral, openrouter, google-ai-studio or aws-bedrock (Amazon Titan)`,
  );
}
