/**
 * OpenAI Chat Completions (plain and SSE) and Embeddings; also serves every OpenAI-compatible provider
 * (Groq, Mistral, DeepSeek, ...) that is pointed at the mock.
 * Stream: role chunk, one chunk per content delta, finish chunk, usage chunk when
 * `stream_options.include_usage` (then every other chunk carries `"usage": null`), `data: [DONE]`.
 * `x-mock-fixture: tool-call` answers `tool-call.json` / `tool-call-stream.json` (two parallel calls) as recorded;
 * `mid-stream-error` streams `mid-stream-error-stream.json` (text, then an error object, no [DONE]);
 * `structured-output` answers `structured-output.json` (a JSON object as the content, as `response_format:
 * json_schema` gets it).
 */
import { MOCK_EMBEDDING_DIMENSIONS, MOCK_WIRE_USAGE, mockChunkTexts } from "./constants.ts";
import {
  type ErrorEntry,
  loadFixture,
  type MockContext,
  namedFixture,
  type ProviderModule,
  pickError,
  sendJson,
  stringField,
  writeStream,
} from "./runtime.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

interface ChatCompletion {
  id: string;
  created: number;
  model: string;
  choices: [{ message: { content: string | null } }];
  usage: Usage;
}

interface ChatCompletionChunk {
  id: string;
  created: number;
  model: string;
  choices: Array<{ delta: { content?: string } }>;
  usage?: Usage | null;
}

interface EmbeddingList {
  data: [{ object: string; index: number; embedding: number[] | string }];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

const completionFixture = loadFixture<ChatCompletion>("openai", "chat-completion.json");
const chunkFixtures = loadFixture<
  [ChatCompletionChunk, ChatCompletionChunk, ChatCompletionChunk, ChatCompletionChunk]
>("openai", "chat-completion-chunks.json");
const embeddingsFixture = loadFixture<EmbeddingList>("openai", "embeddings.json");
const errors = loadFixture<Record<string, ErrorEntry>>("openai", "errors.json");

function responseHeaders(ctx: MockContext): Record<string, string> {
  return { "x-request-id": ctx.requestId, "openai-processing-ms": "1", "openai-version": "2020-10-01" };
}

/** A named fixture (`x-mock-fixture`) as recorded; its usage chunk only when the request asked for usage. */
async function chatCompletionsFixture(ctx: MockContext): Promise<boolean> {
  const streamed = ctx.body.stream === true;
  const named = namedFixture<ChatCompletion | ChatCompletionChunk[]>("openai", ctx, streamed);
  if (named === undefined) return false;
  if (!Array.isArray(named)) {
    sendJson(ctx, 200, named, responseHeaders(ctx));
    return true;
  }
  const options = ctx.body.stream_options as { include_usage?: unknown } | undefined;
  const includeUsage = options?.include_usage === true;
  // A chunk carries `usage: null` when usage was asked for; an error object (a stream failing midway, as
  // OpenAI sends it: `data: {"error": {...}}`) is no chunk, and the stream ends with it, without [DONE].
  const failed = named.some((chunk) => "error" in chunk);
  const chunks = named
    .filter((chunk) => includeUsage || chunk.usage === undefined)
    .map((chunk) =>
      includeUsage && chunk.usage === undefined && !("error" in chunk) ? { ...chunk, usage: null } : chunk,
    );
  await writeStream(ctx, {
    contentType: SSE_CONTENT_TYPE,
    headers: responseHeaders(ctx),
    preamble: [],
    deltas: chunks.map((chunk) => sseEvent(chunk)),
    epilogue: failed ? [] : [sseEvent("[DONE]")],
  });
  return true;
}

async function chatCompletions(ctx: MockContext): Promise<void> {
  if (await chatCompletionsFixture(ctx)) return;
  const model = stringField(ctx.body, "model") ?? completionFixture.model;
  const id = ctx.nextId("chatcmpl-mock");
  const created = Math.floor(Date.now() / 1000);
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);

  if (ctx.body.stream !== true) {
    const completion = structuredClone(completionFixture);
    Object.assign(completion, { id, created, model });
    completion.choices[0].message.content = texts.join("");
    Object.assign(completion.usage, MOCK_WIRE_USAGE.openai);
    return sendJson(ctx, 200, completion, responseHeaders(ctx));
  }

  const options = ctx.body.stream_options as { include_usage?: unknown } | undefined;
  const includeUsage = options?.include_usage === true;
  const [roleChunk, contentChunk, finishChunk, usageChunk] = chunkFixtures;
  const chunk = (template: ChatCompletionChunk, text?: string): string => {
    const value = structuredClone(template);
    Object.assign(value, { id, created, model });
    if (text !== undefined && value.choices[0]) value.choices[0].delta.content = text;
    if (includeUsage) value.usage = null;
    return sseEvent(value);
  };
  const usage = structuredClone(usageChunk);
  Object.assign(usage, { id, created, model });
  if (usage.usage) Object.assign(usage.usage, MOCK_WIRE_USAGE.openai);

  await writeStream(ctx, {
    contentType: SSE_CONTENT_TYPE,
    headers: responseHeaders(ctx),
    preamble: [chunk(roleChunk)],
    deltas: (function* () {
      for (const text of texts) yield chunk(contentChunk, text);
    })(),
    epilogue: [chunk(finishChunk), ...(includeUsage ? [sseEvent(usage)] : []), sseEvent("[DONE]")],
  });
}

/** A deterministic vector per input index, little-endian float32 in base64 when asked (the SDK default). */
function embeddingFor(index: number, base64: boolean): number[] | string {
  const template = embeddingsFixture.data[0].embedding;
  const vector = Array.from({ length: MOCK_EMBEDDING_DIMENSIONS }, (_, i) => {
    const value = Array.isArray(template) ? (template[i] ?? 0) : 0;
    return Math.fround(value + index * 0.001);
  });
  return base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector;
}

async function embeddings(ctx: MockContext): Promise<void> {
  const input = ctx.body.input;
  const count = Array.isArray(input) && input.length > 0 && typeof input[0] !== "number" ? input.length : 1;
  const base64 = ctx.body.encoding_format === "base64";
  const list = structuredClone(embeddingsFixture);
  list.model = stringField(ctx.body, "model") ?? list.model;
  list.data = Array.from({ length: count }, (_, index) => ({
    object: "embedding",
    index,
    embedding: embeddingFor(index, base64),
  })) as EmbeddingList["data"];
  sendJson(ctx, 200, list, responseHeaders(ctx));
}

export const openai: ProviderModule = {
  slug: "openai",
  routes: [
    { pattern: /^\/v1\/chat\/completions$/, handle: chatCompletions },
    { pattern: /^\/v1\/embeddings$/, handle: embeddings },
  ],
  isAuthorized(ctx) {
    const authorization = ctx.req.headers.authorization ?? "";
    return /^Bearer \S+/i.test(authorization) || Boolean(ctx.req.headers["api-key"]);
  },
  errorResponse(status) {
    return pickError(errors, status);
  },
};

/** The OpenAI-shaped 404 for a path no provider serves. */
export function unknownUrlError(method: string, path: string): ErrorEntry {
  const entry = pickError(errors, 404);
  const body = entry.body as { error: { message: string } };
  body.error.message = `Invalid URL (${method} ${path})`;
  return entry;
}
