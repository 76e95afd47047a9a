import type { ProviderTranslator } from "../types.ts";
import { geminiErrorFromProvider } from "./errors.ts";
import { toGeminiRequest } from "./request.ts";
import { fromGeminiResponse } from "./response.ts";
import { createGeminiStreamTranslator } from "./stream.ts";

export const geminiTranslator: ProviderTranslator = {
  provider: "google-ai-studio",
  toProviderRequest: toGeminiRequest,
  fromProviderResponse: fromGeminiResponse,
  createStreamTranslator: createGeminiStreamTranslator,
  errorFromProvider: geminiErrorFromProvider,
};
