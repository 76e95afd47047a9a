import { findProvider } from "../providers/registry.ts";

/**
 * The model a provider-native request names, worked out after the response (never on the hot path):
 * the JSON body's `model`, else the model in the path (Gemini `models/{model}:generateContent`, Bedrock
 * `model/{modelId}/converse`, Azure's deployment: the registry row's `modelInPath`), else what the response
 * reported.
 */
export function requestModel(
  providerSlug: string,
  restPath: string,
  requestBody: Uint8Array | null,
  responseModel: string | null,
): string | null {
  return modelFromBody(requestBody) ?? modelFromPath(providerSlug, restPath) ?? responseModel;
}

function modelFromBody(body: Uint8Array | null): string | null {
  // Only JSON objects small enough to be a prompt rather than an upload are worth parsing here.
  if (!body || body.byteLength === 0 || body.byteLength > 8 * 1024 * 1024 || body[0] !== 0x7b) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
    return typeof parsed?.model === "string" && parsed.model.length > 0 ? parsed.model : null;
  } catch {
    return null;
  }
}

function modelFromPath(providerSlug: string, restPath: string): string | null {
  const modelInPath = findProvider(providerSlug)?.modelInPath;
  if (modelInPath === undefined) return null;
  const segments = restPath.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  return modelInPath(segments);
}
