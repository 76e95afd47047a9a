import type { ProviderTranslator } from "../../translation/types.ts";
import { cohereErrorFromProvider } from "./errors.ts";
import { toCohereRequest } from "./request.ts";
import { fromCohereResponse } from "./response.ts";
import { createCohereStreamTranslator } from "./stream.ts";

export const cohereTranslator: ProviderTranslator = {
  provider: "cohere",
  toProviderRequest: toCohereRequest,
  fromProviderResponse: fromCohereResponse,
  createStreamTranslator: createCohereStreamTranslator,
  errorFromProvider: cohereErrorFromProvider,
};
