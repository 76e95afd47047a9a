import { type BodyDecoder, createSseDecoder } from "../providers/usage/body-decoders.ts";
import { createBedrockEventDecoder } from "./bedrock-event-stream.ts";

/**
 * Decodes a provider's stream into the events its translator takes: parsed SSE `data` JSON for the SSE
 * providers, `{ type, payload }` for Bedrock's binary event stream (payload as JSON text). Only the
 * unfinished event or frame is buffered.
 */
export function createProviderStreamDecoder(
  provider: string,
  onEvent: (event: unknown) => void,
): BodyDecoder {
  if (provider === "aws-bedrock") return createBedrockEventDecoder(onEvent);
  return createSseDecoder((data) => {
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // a keep-alive or a non-JSON line carries nothing to translate
    }
    onEvent(event);
  });
}
