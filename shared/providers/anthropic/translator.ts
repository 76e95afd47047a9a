import type { ProviderTranslator } from "../../translation/types.ts";
import { anthropicErrorFromProvider } from "./errors.ts";
import { toAnthropicRequest } from "./request.ts";
import { fromAnthropicResponse } from "./response.ts";
import { createAnthropicStreamTranslator } from "./stream.ts";

export const anthropicTranslator: ProviderTranslator = {
  provider: "anthropic",
  toProviderRequest: toAnthropicRequest,
  fromProviderResponse: fromAnthropicResponse,
  createStreamTranslator: createAnthropicStreamTranslator,
  errorFromProvider: anthropicErrorFromProvider,
};
