/**
 * OpenAI Responses API (https://platform.openai.com/docs/api-reference/responses): `POST /v1/responses`,
 * plain (a response object) and streamed (`event: <type>` + `data: {...}` events with increasing
 * `sequence_number`, no `[DONE]`): response.created, response.in_progress, output_item.added,
 * content_part.added, one output_text.delta per content delta, output_text.done, content_part.done,
 * output_item.done, response.completed with usage. Usage: `input_tokens` 12 (3 cached), `output_tokens` 5.
 */
import { mockChunkTexts } from "./constants.ts";
import {
  type ErrorEntry,
  loadFixture,
  type MockContext,
  type ProviderModule,
  pickError,
  sendJson,
  stringField,
  writeStream,
} from "./runtime.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

const errors = loadFixture<Record<string, ErrorEntry>>("openai", "errors.json");

/** Responses usage as OpenAI reports it; cached tokens are inside `input_tokens`. */
export const MOCK_RESPONSES_USAGE = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 3 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 17,
} as const;

function responseObject(ctx: MockContext, id: string, status: string, text: string | null) {
  const body = ctx.body;
  const messageId = `msg_${id.slice(5)}`;
  return {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: stringField(body, "model") ?? "gpt-4.1-mini",
    output:
      text === null
        ? []
        : [
            {
              id: messageId,
              type: "message",
              status: "completed",
              role: "assistant",
              content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
            },
          ],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: text === null ? null : MOCK_RESPONSES_USAGE,
    metadata: body.metadata ?? {},
  };
}

async function responses(ctx: MockContext): Promise<void> {
  const id = `resp_${ctx.nextId("mock")}`;
  const texts = mockChunkTexts(ctx.controls.chunks, ctx.controls.chunkBytes, ctx.controls.reply);
  const headers = { "x-request-id": ctx.requestId };
  if (ctx.body.stream !== true)
    return sendJson(ctx, 200, responseObject(ctx, id, "completed", texts.join("")), headers);

  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    sseEvent({ type, sequence_number: sequence++, ...fields }, { event: type });
  const started = responseObject(ctx, id, "in_progress", null);
  const itemId = `msg_${id.slice(5)}`;
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  const emptyPart = { type: "output_text", text: "", annotations: [], logprobs: [] };
  const done = responseObject(ctx, id, "completed", texts.join(""));
  const item = done.output[0];
  await writeStream(ctx, {
    contentType: SSE_CONTENT_TYPE,
    headers,
    preamble: [
      event("response.created", { response: started }),
      event("response.in_progress", { response: started }),
      event("response.output_item.added", {
        output_index: 0,
        item: { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] },
      }),
      event("response.content_part.added", { ...where, part: emptyPart }),
    ],
    deltas: (function* () {
      for (const delta of texts) yield event("response.output_text.delta", { ...where, delta, logprobs: [] });
    })(),
    epilogue: [
      event("response.output_text.done", { ...where, text: texts.join(""), logprobs: [] }),
      event("response.content_part.done", { ...where, part: item?.content[0] }),
      event("response.output_item.done", { output_index: 0, item }),
      event("response.completed", { response: done }),
    ],
  });
}

export const openaiResponses: ProviderModule = {
  slug: "openai",
  routes: [{ pattern: /^\/v1\/responses$/, handle: responses }],
  isAuthorized(ctx) {
    return /^Bearer \S+/i.test(ctx.req.headers.authorization ?? "");
  },
  errorResponse(status) {
    return pickError(errors, status);
  },
};
