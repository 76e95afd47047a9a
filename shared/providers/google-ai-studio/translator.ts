import type { ProviderTranslator } from "../../translation/types.ts";
import { geminiErrorFromProvider } from "./errors.ts";
import { toGeminiRequest } from "./request.ts";
import { fromGeminiResponse } from "./response.ts";
import { createGeminiStreamTranslator } from "./stream.ts";

const PROVIDER = "google-ai-studio";

export const geminiTranslator: ProviderTranslator = {
  provider: PROVIDER,
  toProviderRequest: (request, model) => toGeminiRequest(request, model, PROVIDER),
  fromProviderResponse: fromGeminiResponse,
  createStreamTranslator: createGeminiStreamTranslator,
  errorFromProvider: geminiErrorFromProvider,
};
