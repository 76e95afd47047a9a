/**
 * Anthropic Messages (`POST /v1/messages`), plain and SSE. The stream sends `event:` lines and the documented
 * sequence: message_start (input and cache tokens, output_tokens 1), content_block_start, ping,
 * content_block_delta per delta, content_block_stop, message_delta (final usage.output_tokens), message_stop.
 * `x-mock-fixture: tool-call` answers `tool-call.json` / `tool-call-stream.json` (text, then two tool_use
 * blocks whose input arrives as input_json_delta pieces) as recorded; `mid-stream-error` streams text, then
 * an `error` event (overloaded_error), as Anthropic reports a failure after the 200.
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
  stringField,
  writeStream,
} from "./runtime.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

interface Message {
  id: string;
  model: string;
  content: [{ type: "text"; text: string }];
  usage: Usage;
}

interface StreamEvent {
  type: string;
  message?: Omit<Message, "content"> & { content: unknown[] };
  delta?: { type?: string; text?: string };
  usage?: { output_tokens: number };
}

const messageFixture = loadFixture<Message>("anthropic", "message.json");
const eventFixtures = loadFixture<StreamEvent[]>("anthropic", "stream-events.json");
const errors = loadFixture<Record<string, ErrorEntry>>("anthropic", "errors.json");

function eventTemplate(type: string): StreamEvent {
  const event = eventFixtures.find((candidate) => candidate.type === type);
  if (!event) throw new Error(`anthropic/stream-events.json has no ${type} event`);
  return structuredClone(event);
}

function sse(event: StreamEvent): string {
  return sseEvent(event, { event: event.type });
}

async function messages(ctx: MockContext): Promise<void> {
  const model = stringField(ctx.body, "model") ?? messageFixture.model;
  const id = ctx.nextId("msg_01Mock");
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  const headers = { "request-id": ctx.requestId };

  const named = namedFixture<Message | StreamEvent[]>("anthropic", ctx, ctx.body.stream === true);
  if (named !== undefined && !Array.isArray(named)) return sendJson(ctx, 200, named, headers);
  if (named !== undefined) {
    return writeStream(ctx, {
      contentType: SSE_CONTENT_TYPE,
      headers,
      preamble: [],
      deltas: named.map(sse),
      epilogue: [],
    });
  }

  if (ctx.body.stream !== true) {
    const message = structuredClone(messageFixture);
    Object.assign(message, { id, model });
    message.content[0].text = texts.join("");
    Object.assign(message.usage, MOCK_WIRE_USAGE.anthropic);
    return sendJson(ctx, 200, message, headers);
  }

  const start = eventTemplate("message_start");
  if (start.message) {
    Object.assign(start.message, { id, model });
    const { output_tokens: _final, ...inputUsage } = MOCK_WIRE_USAGE.anthropic;
    Object.assign(start.message.usage, inputUsage);
  }
  const messageDelta = eventTemplate("message_delta");
  messageDelta.usage = { output_tokens: MOCK_WIRE_USAGE.anthropic.output_tokens };
  const delta = (text: string): string => {
    const event = eventTemplate("content_block_delta");
    event.delta = { type: "text_delta", text };
    return sse(event);
  };

  await writeStream(ctx, {
    contentType: SSE_CONTENT_TYPE,
    headers,
    preamble: [sse(start), sse(eventTemplate("content_block_start")), sse(eventTemplate("ping"))],
    deltas: (function* () {
      for (const text of texts) yield delta(text);
    })(),
    epilogue: [
      sse(eventTemplate("content_block_stop")),
      sse(messageDelta),
      sse(eventTemplate("message_stop")),
    ],
  });
}

export const anthropic: ProviderModule = {
  slug: "anthropic",
  routes: [{ pattern: /^\/v1\/messages$/, handle: messages }],
  /** `x-api-key`, or `authorization: Bearer` (what @anthropic-ai/sdk 1.x sends for an API key). */
  isAuthorized(ctx) {
    return Boolean(ctx.req.headers["x-api-key"]) || /^Bearer \S+/i.test(ctx.req.headers.authorization ?? "");
  },
  errorResponse(status, ctx) {
    const entry = pickError(errors, status);
    (entry.body as { request_id?: string }).request_id = ctx.requestId;
    return { ...entry, headers: { ...entry.headers, "request-id": ctx.requestId } };
  },
};
