/**
 * AWS Bedrock runtime Converse (`POST /model/{modelId}/converse`) and ConverseStream
 * (`POST /model/{modelId}/converse-stream`, binary `application/vnd.amazon.eventstream` frames): messageStart,
 * contentBlockDelta per delta, contentBlockStop, messageStop, metadata (usage + metrics.latencyMs).
 * Errors are `{"message"}` with the exception name in `x-amzn-errortype`, as the AWS restJson protocol sends.
 * A credential is an `authorization` header signed with SigV4 (`AWS4-HMAC-SHA256 ...`), verified against the
 * request by `sigv4-verifier.ts` (403 `InvalidSignatureException` when it does not match), or a Bedrock API
 * key (`Bearer ABSK...`). `x-mock-fixture: tool-call` answers `tool-call.json` / the frames of
 * `tool-call-stream.json` (text, then two toolUse blocks whose input arrives in pieces; every stream payload
 * carries Bedrock's `p` padding field) as recorded; `mid-stream-error` streams text, then a
 * `throttlingException` exception frame (`:message-type: exception`); `dlp-secrets` streams text with a card
 * number split across two frames and an email address. InvokeModel and InvokeModelWithResponseStream
 * (Claude's Anthropic events in `chunk` frames): bedrock-invoke.ts.
 */

import { invoke } from "./bedrock-invoke.ts";
import { MOCK_BEDROCK_LATENCY_MS, MOCK_WIRE_USAGE, mockChunkTexts } from "./constants.ts";
import { EVENT_STREAM_CONTENT_TYPE, encodeEvent, encodeException } from "./event-stream.ts";
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
import { verifySigV4 } from "./sigv4-verifier.ts";

interface ConverseResponse {
  output: { message: { role: string; content: [{ text: string }] } };
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
  metrics: { latencyMs: number };
}

/** A ConverseStream frame of a fixture: an event, or (`exceptionType`) an exception frame. */
interface StreamEvent {
  eventType?: string;
  exceptionType?: string;
  payload: Record<string, unknown>;
}

const converseFixture = loadFixture<ConverseResponse>("aws-bedrock", "converse.json");
const eventFixtures = loadFixture<StreamEvent[]>("aws-bedrock", "converse-stream-events.json");
const errors = loadFixture<Record<string, ErrorEntry>>("aws-bedrock", "errors.json");

function eventPayload(eventType: string): Record<string, unknown> {
  const event = eventFixtures.find((candidate) => candidate.eventType === eventType);
  if (!event) throw new Error(`aws-bedrock/converse-stream-events.json has no ${eventType} event`);
  return structuredClone(event.payload);
}

function frame(eventType: string, patch: Record<string, unknown> = {}): Uint8Array {
  return encodeEvent(eventType, { ...eventPayload(eventType), ...patch });
}

const metrics = { latencyMs: MOCK_BEDROCK_LATENCY_MS };

const CORAL = "http://internal.amazon.com/coral/com.amazon.coral.service/";

/** A SigV4 signature that does not match the request is refused as Bedrock refuses it; true when it was. */
export async function refusedSignature(ctx: MockContext): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (typeof value === "string") headers[name] = value;
  }
  if (!headers.authorization?.startsWith("AWS4-HMAC-SHA256")) return false;
  const verdict = await verifySigV4(
    { method: ctx.req.method ?? "POST", url: ctx.url, headers, body: ctx.rawBody },
    "bedrock",
  );
  if (verdict.outcome !== "refused") return false;
  sendJson(
    ctx,
    403,
    { message: verdict.message },
    { "x-amzn-errortype": `${verdict.errorType}:${CORAL}`, "x-amzn-requestid": ctx.requestId },
  );
  return true;
}

async function converse(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  if (await refusedSignature(ctx)) return;
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  const headers = { "x-amzn-requestid": ctx.requestId };

  const named = namedFixture<ConverseResponse | StreamEvent[]>("aws-bedrock", ctx, match[2] !== "converse");
  if (named !== undefined && !Array.isArray(named)) return sendJson(ctx, 200, named, headers);
  if (named !== undefined) {
    return writeStream(ctx, {
      contentType: EVENT_STREAM_CONTENT_TYPE,
      headers,
      preamble: [],
      deltas: named.map((event) =>
        event.exceptionType === undefined
          ? encodeEvent(event.eventType ?? "", event.payload)
          : encodeException(event.exceptionType, event.payload),
      ),
      epilogue: [],
    });
  }

  if (match[2] === "converse") {
    const response = structuredClone(converseFixture);
    response.output.message.content[0].text = texts.join("");
    Object.assign(response.usage, MOCK_WIRE_USAGE["aws-bedrock"]);
    Object.assign(response.metrics, metrics);
    return sendJson(ctx, 200, response, headers);
  }

  await writeStream(ctx, {
    contentType: EVENT_STREAM_CONTENT_TYPE,
    headers,
    preamble: [frame("messageStart")],
    deltas: (function* () {
      for (const text of texts) yield frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text } });
    })(),
    epilogue: [
      frame("contentBlockStop"),
      frame("messageStop"),
      frame("metadata", { usage: { ...MOCK_WIRE_USAGE["aws-bedrock"] }, metrics }),
    ],
  });
}

async function invokeModel(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  if (await refusedSignature(ctx)) return;
  return invoke(ctx, match);
}

export const bedrock: ProviderModule = {
  slug: "aws-bedrock",
  routes: [
    { pattern: /^\/model\/(.+)\/(converse|converse-stream)$/, handle: converse },
    // Titan's embeddings are InvokeModel too: embeddings.ts answers them.
    {
      pattern: /^\/model\/(?!amazon\.titan-embed-text-)(.+)\/(invoke|invoke-with-response-stream)$/,
      handle: invokeModel,
    },
  ],
  isAuthorized(ctx) {
    const authorization = ctx.req.headers.authorization ?? "";
    return authorization.startsWith("AWS4-HMAC-SHA256") || /^Bearer ABSK\S+/.test(authorization);
  },
  errorResponse(status, ctx) {
    const entry = pickError(errors, status);
    return { ...entry, headers: { ...entry.headers, "x-amzn-requestid": ctx.requestId } };
  },
};
