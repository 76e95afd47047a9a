/**
 * AWS Bedrock runtime InvokeModel (`POST /model/{modelId}/invoke`) and InvokeModelWithResponseStream
 * (`POST /model/{modelId}/invoke-with-response-stream`) for Anthropic Claude models: the request body is
 * Anthropic's Messages body (`anthropic_version: bedrock-2023-05-31`), the answer Anthropic's message, or
 * for the stream the binary event stream of `chunk` events, each `{"bytes": base64 of one Anthropic stream
 * event, "p": padding}`, the last (`message_stop`) carrying `amazon-bedrock-invocationMetrics`
 * (API_runtime_InvokeModelWithResponseStream, model-parameters-anthropic-claude-messages).
 * `x-mock-fixture` names Anthropic's recorded events (`anthropic/<name>-stream.json`), sent as chunks.
 * Other model families answer 400 ValidationException: the mock does not speak their native bodies.
 */
import { MOCK_BEDROCK_LATENCY_MS, MOCK_WIRE_USAGE, mockChunkTexts } from "./constants.ts";
import { EVENT_STREAM_CONTENT_TYPE, encodeEvent } from "./event-stream.ts";
import { loadFixture, type MockContext, namedFixture, sendJson, writeStream } from "./runtime.ts";

interface AnthropicEvent {
  type: string;
  [field: string]: unknown;
}

const messageFixture = loadFixture<Record<string, unknown>>("anthropic", "message.json");
const eventFixtures = loadFixture<AnthropicEvent[]>("anthropic", "stream-events.json");

const CORAL = "http://internal.amazon.com/coral/com.amazon.coral.service/";

/** Bedrock's padding field (`p`) varies in length so the frame sizes do not tell the text's length. */
const padding = (index: number) => "abcdefghijklmnopqrstuvwxyz".slice(0, 4 + (index % 20));

function chunkFrame(event: AnthropicEvent, index: number): Uint8Array {
  return encodeEvent("chunk", {
    bytes: Buffer.from(JSON.stringify(event), "utf8").toString("base64"),
    p: padding(index),
  });
}

function template(type: string): AnthropicEvent {
  const event = eventFixtures.find((candidate) => candidate.type === type);
  if (!event) throw new Error(`anthropic/stream-events.json has no ${type} event`);
  return structuredClone(event);
}

/** The usage Bedrock adds to the last chunk of every InvokeModelWithResponseStream. */
function withInvocationMetrics(event: AnthropicEvent): AnthropicEvent {
  const usage = MOCK_WIRE_USAGE["aws-bedrock"];
  return {
    ...event,
    "amazon-bedrock-invocationMetrics": {
      inputTokenCount: usage.inputTokens,
      outputTokenCount: usage.outputTokens,
      invocationLatency: MOCK_BEDROCK_LATENCY_MS,
      firstByteLatency: MOCK_BEDROCK_LATENCY_MS,
    },
  };
}

function defaultEvents(texts: string[], model: string): AnthropicEvent[] {
  const start = template("message_start");
  Object.assign(start.message as Record<string, unknown>, { model });
  const deltas = texts.map((text) => ({
    ...template("content_block_delta"),
    delta: { type: "text_delta", text },
  }));
  return [
    start,
    template("content_block_start"),
    ...deltas,
    template("content_block_stop"),
    template("message_delta"),
    template("message_stop"),
  ];
}

export async function invoke(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  const model = decodeURIComponent(match[1] ?? "");
  const headers = { "x-amzn-requestid": ctx.requestId };
  if (!model.includes("anthropic.")) {
    return sendJson(
      ctx,
      400,
      { message: `The mock serves InvokeModel for Anthropic models only, not ${model}` },
      { ...headers, "x-amzn-errortype": `ValidationException:${CORAL}` },
    );
  }
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  if (match[2] === "invoke") {
    const message = structuredClone(messageFixture);
    Object.assign(message, { model, content: [{ type: "text", text: texts.join("") }] });
    return sendJson(ctx, 200, message, headers);
  }
  const events = namedFixture<AnthropicEvent[]>("anthropic", ctx, true) ?? defaultEvents(texts, model);
  const last = events.length - 1;
  await writeStream(ctx, {
    contentType: EVENT_STREAM_CONTENT_TYPE,
    headers,
    preamble: [],
    deltas: events.map((event, index) =>
      chunkFrame(index === last ? withInvocationMetrics(event) : event, index),
    ),
    epilogue: [],
  });
}
