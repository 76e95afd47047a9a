/**
 * Embeddings of the providers the gateway translates to (OpenAI's `/v1/embeddings` is in openai.ts):
 * - Google AI Studio `POST /v1beta/models/{model}:batchEmbedContents`
 *   (https://ai.google.dev/api/embeddings#method:-models.batchembedcontents): `{requests:[{model, content,
 *   outputDimensionality?}]}` -> `{embeddings:[{values}]}`, one per request, in order; no token count.
 * - Amazon Titan Text Embeddings V2 on Bedrock, InvokeModel `POST /model/{modelId}/invoke`
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html):
 *   `{inputText, dimensions?}` -> `{embedding, inputTextTokenCount, embeddingsByType}`.
 * Vector i of a batch has every value `(i + 1) / 10`; the length is the requested dimensions, else 8.
 */
import { MOCK_EMBEDDING_DIMENSIONS } from "./constants.ts";
import {
  type ErrorEntry,
  loadFixture,
  type MockContext,
  type ProviderModule,
  pickError,
  sendJson,
} from "./runtime.ts";

const geminiErrors = loadFixture<Record<string, ErrorEntry>>("google-ai-studio", "errors.json");
const bedrockErrors = loadFixture<Record<string, ErrorEntry>>("aws-bedrock", "errors.json");

/** Titan's `inputTextTokenCount` for every input. */
export const MOCK_TITAN_INPUT_TOKENS = 7;

export function mockEmbeddingVector(index: number, dimensions = MOCK_EMBEDDING_DIMENSIONS): number[] {
  return Array.from({ length: dimensions }, () => (index + 1) / 10);
}

async function batchEmbedContents(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  const requests = ctx.body.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return sendJson(ctx, 400, {
      error: {
        code: 400,
        message: "* BatchEmbedContentsRequest.requests: contents is not specified",
        status: "INVALID_ARGUMENT",
      },
    });
  }
  const expected = `models/${decodeURIComponent(match[1] ?? "")}`;
  const embeddings = requests.map((request: { model?: unknown; outputDimensionality?: unknown }, index) => {
    if (request.model !== expected) return null;
    const dimensions =
      typeof request.outputDimensionality === "number" ? request.outputDimensionality : undefined;
    return { values: mockEmbeddingVector(index, dimensions) };
  });
  if (embeddings.includes(null)) {
    return sendJson(ctx, 400, {
      error: { code: 400, message: `Each request's model must be ${expected}`, status: "INVALID_ARGUMENT" },
    });
  }
  sendJson(ctx, 200, { embeddings });
}

async function titanInvoke(ctx: MockContext): Promise<void> {
  const headers = { "x-amzn-requestid": ctx.requestId };
  if (typeof ctx.body.inputText !== "string") {
    return sendJson(
      ctx,
      400,
      { message: "Malformed input request: required key [inputText] not found" },
      headers,
    );
  }
  const dimensions = typeof ctx.body.dimensions === "number" ? ctx.body.dimensions : 1024;
  const embedding = mockEmbeddingVector(0, dimensions);
  sendJson(
    ctx,
    200,
    { embedding, inputTextTokenCount: MOCK_TITAN_INPUT_TOKENS, embeddingsByType: { float: embedding } },
    headers,
  );
}

export const geminiEmbeddings: ProviderModule = {
  slug: "google-ai-studio",
  routes: [{ pattern: /^\/v1(?:beta)?\/models\/([^/:]+):batchEmbedContents$/, handle: batchEmbedContents }],
  isAuthorized(ctx) {
    return Boolean(ctx.req.headers["x-goog-api-key"]) || Boolean(ctx.url.searchParams.get("key"));
  },
  errorResponse(status) {
    const entry = pickError(geminiErrors, status);
    (entry.body as { error: { code: number } }).error.code = status;
    return entry;
  },
};

export const bedrockTitanEmbeddings: ProviderModule = {
  slug: "aws-bedrock",
  routes: [{ pattern: /^\/model\/(amazon\.titan-embed-text-[^/]+)\/invoke$/, handle: titanInvoke }],
  isAuthorized(ctx) {
    const authorization = ctx.req.headers.authorization ?? "";
    return authorization.startsWith("AWS4-HMAC-SHA256") || /^Bearer ABSK\S+/.test(authorization);
  },
  errorResponse(status, ctx) {
    const entry = pickError(bedrockErrors, status);
    return { ...entry, headers: { ...entry.headers, "x-amzn-requestid": ctx.requestId } };
  },
};
