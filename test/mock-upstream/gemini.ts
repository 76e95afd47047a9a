/**
 * Google AI Studio (Gemini API): `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`
 * (also under /v1). A stream is a sequence of GenerateContentResponse records, one per content delta:
 * SSE `data:` events with CRLF line ends when `alt=sse`, else one JSON array written element by element.
 * usageMetadata is cumulative: every record carries promptTokenCount and the running candidatesTokenCount,
 * the last record (finishReason STOP) the final totals. There is no [DONE] sentinel.
 * `x-mock-fixture: tool-call` answers `tool-call.json` / the records of `tool-call-stream.json` (two parallel
 * functionCall parts; Gemini sends each call whole) as recorded; `mid-stream-error` streams a text record,
 * then an `{"error": {...}}` record (UNAVAILABLE).
 */
import { MOCK_WIRE_USAGE, mockChunkTexts } from "./constants.ts";
import {
  type ErrorEntry,
  loadFixture,
  type MockContext,
  namedFixture,
  type ProviderModule,
  pickError,
  sendJson,
  writeStream,
} from "./runtime.ts";
import { sseEvent } from "./sse.ts";

interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  totalTokenCount: number;
}

interface GenerateContentResponse {
  candidates: [
    { content: { parts: [{ text: string }]; role: string }; finishReason?: string; index: number },
  ];
  usageMetadata: UsageMetadata;
  modelVersion: string;
  responseId: string;
}

const responseFixture = loadFixture<GenerateContentResponse>("google-ai-studio", "generate-content.json");
const errors = loadFixture<Record<string, ErrorEntry>>("google-ai-studio", "errors.json");

const usage = MOCK_WIRE_USAGE["google-ai-studio"];

function record(
  model: string,
  responseId: string,
  text: string,
  outputSoFar: number,
  final: boolean,
): GenerateContentResponse {
  const response = structuredClone(responseFixture);
  const candidate = response.candidates[0];
  candidate.content.parts[0].text = text;
  if (final) candidate.finishReason = "STOP";
  else delete candidate.finishReason;
  Object.assign(response.usageMetadata, {
    promptTokenCount: usage.promptTokenCount,
    candidatesTokenCount: outputSoFar,
    totalTokenCount: usage.promptTokenCount + outputSoFar,
  });
  Object.assign(response, { modelVersion: model, responseId });
  return response;
}

export async function generateContent(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  const model = decodeURIComponent(match[1] ?? responseFixture.modelVersion);
  const responseId = ctx.nextId("mock");
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  const output = usage.candidatesTokenCount;

  const named = namedFixture<GenerateContentResponse | GenerateContentResponse[]>(
    "google-ai-studio",
    ctx,
    match[2] === "streamGenerateContent",
  );
  if (named !== undefined && !Array.isArray(named)) return sendJson(ctx, 200, named);

  if (match[2] === "generateContent") {
    return sendJson(ctx, 200, record(model, responseId, texts.join(""), output, true));
  }

  const records = function* (): Generator<GenerateContentResponse> {
    if (named !== undefined) return yield* named;
    for (const [i, text] of texts.entries()) {
      const final = i === texts.length - 1;
      yield record(
        model,
        responseId,
        text,
        final ? output : Math.floor((output * (i + 1)) / texts.length),
        final,
      );
    }
  };

  if (ctx.url.searchParams.get("alt") === "sse") {
    return writeStream(ctx, {
      contentType: "text/event-stream",
      preamble: [],
      deltas: (function* () {
        for (const value of records()) yield sseEvent(value, { eol: "\r\n" });
      })(),
      epilogue: [],
    });
  }

  return writeStream(ctx, {
    contentType: "application/json; charset=UTF-8",
    preamble: [],
    deltas: (function* () {
      let first = true;
      for (const value of records()) {
        yield `${first ? "[" : ",\r\n"}${JSON.stringify(value)}`;
        first = false;
      }
    })(),
    epilogue: ["]"],
  });
}

export const gemini: ProviderModule = {
  slug: "google-ai-studio",
  routes: [
    {
      pattern: /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/,
      handle: generateContent,
    },
  ],
  isAuthorized(ctx) {
    return Boolean(ctx.req.headers["x-goog-api-key"]) || Boolean(ctx.url.searchParams.get("key"));
  },
  errorResponse(status) {
    const entry = pickError(errors, status);
    (entry.body as { error: { code: number } }).error.code = status;
    return entry;
  },
};
