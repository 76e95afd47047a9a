import type { ProviderTranslator } from "../../translation/types.ts";
import { bedrockErrorFromProvider } from "./errors.ts";
import { toBedrockConverseRequest } from "./request.ts";
import { fromBedrockConverseResponse } from "./response.ts";
import { createBedrockConverseStreamTranslator } from "./stream.ts";

export const bedrockConverseTranslator: ProviderTranslator = {
  provider: "aws-bedrock",
  toProviderRequest: toBedrockConverseRequest,
  fromProviderResponse: fromBedrockConverseResponse,
  createStreamTranslator: createBedrockConverseStreamTranslator,
  errorFromProvider: bedrockErrorFromProvider,
};
