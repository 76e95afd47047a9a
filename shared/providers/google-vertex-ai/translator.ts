import { GatewayError } from "../../core/gateway-error.ts";
import type { ProviderTranslator, TranslatedRequest } from "../../translation/types.ts";
import { toGeminiRequest } from "../google-ai-studio/request.ts";
import { geminiTranslator } from "../google-ai-studio/translator.ts";

const PROVIDER = "google-vertex-ai";

/**
 * Vertex AI on the unified API: `google-vertex-ai/{publisher}/{model}`. Gemini models (publisher `google`)
 * speak the Gemini API's generateContent, so the Gemini translator does the work; only the path differs.
 * The path is relative to `v1/projects/{project}/locations/{region}/`, which the caller's service account
 * decides (shared/unified/upstream-request.ts). Other publishers (Anthropic's Claude on Vertex) are refused.
 * The Gemini translator's refusals name google-vertex-ai, the provider the caller used.
 */
function toVertexRequest(
  request: Parameters<ProviderTranslator["toProviderRequest"]>[0],
  model: string,
): TranslatedRequest {
  const slash = model.indexOf("/");
  const publisher = slash > 0 ? model.slice(0, slash) : "";
  const id = model.slice(slash + 1);
  if (publisher !== "google" || id === "") {
    throw GatewayError.badRequest(
      `Vertex AI model "${model.slice(0, 120)}" is not supported on the unified API: use google-vertex-ai/google/{gemini model}, for example "google-vertex-ai/google/gemini-2.5-flash" (other publishers only through the provider-native /google-vertex-ai/ path)`,
    );
  }
  const translated = toGeminiRequest(request, id, PROVIDER);
  const method = request.stream === true ? "streamGenerateContent?alt=sse" : "generateContent";
  return { ...translated, path: `publishers/google/models/${encodeURIComponent(id)}:${method}` };
}

export const vertexGeminiTranslator: ProviderTranslator = {
  ...geminiTranslator,
  provider: PROVIDER,
  toProviderRequest: toVertexRequest,
};
