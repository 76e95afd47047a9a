import { findProvider } from "../providers/registry.ts";
import { type BodyDecoder, createSseDecoder } from "../providers/usage/body-decoders.ts";

/**
 * Decodes a provider's stream into the events its translator takes: the registry row's own decoder when
 * it has one (Bedrock's binary event stream gives `{ type, payload }`), else parsed SSE `data` JSON. Only
 * the unfinished event or frame is buffered.
 */
export function createProviderStreamDecoder(
  provider: string,
  onEvent: (event: unknown) => void,
): BodyDecoder {
  const own = findProvider(provider)?.streamDecoder;
  if (own !== undefined) return own(onEvent);
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
