/**
 * Cohere Chat v2 (`POST /v2/chat`): a plain response with `usage.billed_units` and `usage.tokens`, or with
 * `stream: true` SSE events message-start, content-start, content-delta per delta, content-end and
 * message-end (finish_reason + usage). `x-mock-fixture: tool-call` answers `tool-call.json` (tool_plan and two
 * parallel tool_calls, finish_reason TOOL_CALL) or `tool-call-stream.json` (message-start, tool-plan-delta,
 * tool-call-start / tool-call-delta / tool-call-end per call, message-end) as recorded;
 * `x-mock-fixture: mid-stream-error` (streamed) sends some text, then message-end with finish_reason ERROR
 * and `delta.error`.
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
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

interface ChatResponse {
  id: string;
  message: { content: [{ type: string; text: string }] };
  usage: unknown;
}

interface StreamEvent {
  type: string;
  id?: string;
  delta?: { message?: { content?: { text?: string } }; usage?: unknown };
}

const chatFixture = loadFixture<ChatResponse>("cohere", "chat.json");
const eventFixtures = loadFixture<StreamEvent[]>("cohere", "stream-events.json");
const errors = loadFixture<Record<string, ErrorEntry>>("cohere", "errors.json");

function event(type: string, edit?: (value: StreamEvent) => void): string {
  const template = eventFixtures.find((candidate) => candidate.type === type);
  if (!template) throw new Error(`cohere/stream-events.json has no ${type} event`);
  const value = structuredClone(template);
  edit?.(value);
  return sseEvent(value, { event: type });
}

async function chat(ctx: MockContext): Promise<void> {
  const id = ctx.nextId("mock-");
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  const usage = structuredClone(MOCK_WIRE_USAGE.cohere);
  const headers = { "x-request-id": ctx.requestId };

  const named = namedFixture<ChatResponse | StreamEvent[]>("cohere", ctx, ctx.body.stream === true);
  if (named !== undefined && !Array.isArray(named)) return sendJson(ctx, 200, named, headers);
  if (named !== undefined) {
    return writeStream(ctx, {
      contentType: SSE_CONTENT_TYPE,
      headers,
      preamble: [],
      deltas: named.map((value) => sseEvent(value, { event: value.type })),
      epilogue: [],
    });
  }

  if (ctx.body.stream !== true) {
    const response = structuredClone(chatFixture);
    response.id = id;
    response.message.content[0].text = texts.join("");
    response.usage = usage;
    return sendJson(ctx, 200, response, { "x-request-id": ctx.requestId });
  }

  await writeStream(ctx, {
    contentType: SSE_CONTENT_TYPE,
    headers: { "x-request-id": ctx.requestId },
    preamble: [
      event("message-start", (value) => {
        value.id = id;
      }),
      event("content-start"),
    ],
    deltas: (function* () {
      for (const text of texts) {
        yield event("content-delta", (value) => {
          value.delta = { message: { content: { text } } };
        });
      }
    })(),
    epilogue: [
      event("content-end"),
      event("message-end", (value) => {
        if (value.delta) value.delta.usage = usage;
      }),
    ],
  });
}

export const cohere: ProviderModule = {
  slug: "cohere",
  routes: [{ pattern: /^\/v2\/chat$/, handle: chat }],
  isAuthorized(ctx) {
    return /^Bearer \S+/i.test(ctx.req.headers.authorization ?? "");
  },
  errorResponse(status) {
    return pickError(errors, status);
  },
};
