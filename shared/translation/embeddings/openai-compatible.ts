import { GatewayError } from "../../core/gateway-error.ts";
import type { TranslatedRequest } from "../types.ts";
import { type EmbeddingsRequest, embeddingTexts } from "./request.ts";

/**
 * Providers with an OpenAI-shaped `/embeddings` endpoint, called natively; their answer is already an
 * OpenAI list and is passed through. Other OpenAI-compatible providers (groq, deepseek, grok, perplexity-ai,
 * cerebras) publish no embeddings endpoint and are refused.
 */
export function openAICompatibleEmbeddingsRequest(
  request: EmbeddingsRequest,
  provider: string,
  model: string,
): TranslatedRequest | undefined {
  switch (provider) {
    // https://platform.openai.com/docs/api-reference/embeddings/create: the body as sent.
    case "openai":
      return { path: "embeddings", body: { ...request, model } };
    // https://openrouter.ai/docs/api_reference/embeddings: OpenAI's shape.
    case "openrouter":
      return {
        path: "embeddings",
        body: {
          model,
          input: embeddingTexts(
            request,
            provider,
            new Set(["model", "input", "encoding_format", "dimensions", "user"]),
          ),
          ...pick(request, ["encoding_format", "dimensions", "user"]),
        },
      };
    // https://docs.mistral.ai/api/endpoint/embeddings: `dimensions` is `output_dimension`.
    case "mistral": {
      const input = embeddingTexts(
        request,
        provider,
        new Set(["model", "input", "encoding_format", "dimensions"]),
      );
      return {
        path: "v1/embeddings",
        body: {
          model,
          input,
          ...pick(request, ["encoding_format"]),
          ...(request.dimensions === undefined ? {} : { output_dimension: request.dimensions }),
        },
      };
    }
    default:
      return undefined;
  }
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
