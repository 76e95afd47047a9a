/**
 * fast-check arbitraries for canonical (OpenAI Chat Completions) requests and for provider answers, shared by
 * the translation property tests. A conversation always starts with a user turn, every tool call is answered
 * by a tool message right after its assistant turn, and the tools named by calls are declared: a valid
 * request as the providers document it. `risky` adds what some providers refuse on purpose (a documented 400):
 * remote image URLs, audio, json_object, `parallel_tool_calls: false`, tool_choice none with tool history,
 * temperature above 1.
 */
import fc from "fast-check";
import {
  type OpenAIChatRequest,
  parseChatRequest,
} from "../../../../shared/translation/openai/chat-schema.ts";

export const TOOL_NAMES = ["get_weather", "search_docs", "lookup_user"] as const;

/** Non-empty text, from plain ASCII to any grapheme (accents, CJK, emoji, quotes, backslashes, newlines). */
export const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
);

/** Tool arguments: a JSON object whose values survive a JSON round trip unchanged (no -0, no NaN). */
export const toolArguments = fc.dictionary(
  fc.constantFrom("city", "q", "limit", "tags", "exact"),
  fc.oneof(
    text,
    fc.integer({ min: -1000, max: 1000 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(text, { maxLength: 3 }),
  ),
  { maxKeys: 4 },
);

const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const textPart = text.map((value) => ({ type: "text" as const, text: value }));

function userContent(risky: boolean) {
  const parts: Array<fc.Arbitrary<Record<string, unknown>>> = [
    textPart,
    fc.constant({ type: "image_url", image_url: { url: PNG } }),
  ];
  if (risky) {
    parts.push(fc.constant({ type: "image_url", image_url: { url: "https://example.com/cat.png" } }));
    parts.push(fc.constant({ type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } }));
  }
  return fc.oneof(
    text,
    fc
      .tuple(textPart, fc.array(fc.oneof(...parts), { maxLength: 3 }))
      .map(([first, rest]) => [first, ...rest]),
  );
}

const textContent = fc.oneof(text, fc.array(textPart, { minLength: 1, maxLength: 3 }));

type Step =
  | { kind: "system"; role: "system" | "developer"; content: unknown }
  | { kind: "user"; content: unknown }
  | {
      kind: "assistant";
      content: unknown;
      calls: Array<{ name: string; args: Record<string, unknown>; result: unknown }>;
    };

function step(risky: boolean): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("system" as const),
        role: fc.constantFrom("system" as const, "developer" as const),
        content: textContent,
      }),
    },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("user" as const), content: userContent(risky) }) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          kind: fc.constant("assistant" as const),
          content: fc.oneof(text, fc.array(textPart, { minLength: 1, maxLength: 2 }), fc.constant(null)),
          calls: fc.array(
            fc.record({ name: fc.constantFrom(...TOOL_NAMES), args: toolArguments, result: textContent }),
            { maxLength: 3 },
          ),
        })
        // An assistant turn says something or calls something.
        .map((value) =>
          value.content === null && value.calls.length === 0 ? { ...value, content: "ok" } : value,
        ),
    },
  );
}

export interface RequestCase {
  request: OpenAIChatRequest;
  /** Every call in order, with its id, name and arguments (as an object). */
  calls: Array<{ id: string; name: string; args: Record<string, unknown> }>;
}

export function canonicalRequest(options: { risky: boolean }): fc.Arbitrary<RequestCase> {
  const { risky } = options;
  return fc
    .record({
      first: userContent(risky),
      steps: fc.array(step(risky), { maxLength: 7 }),
      declareTools: fc.boolean(),
      toolChoice: fc.option(
        fc.oneof(
          fc.constantFrom("auto", "required", ...(risky ? ["none"] : [])),
          fc.constantFrom(...TOOL_NAMES).map((name) => ({ type: "function", function: { name } })),
        ),
        { nil: undefined },
      ),
      temperature: fc.option(
        fc.integer({ min: 0, max: risky ? 200 : 100 }).map((n) => n / 100),
        { nil: undefined },
      ),
      topP: fc.option(
        fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
        { nil: undefined },
      ),
      maxTokens: fc.option(
        fc.tuple(fc.constantFrom("max_tokens", "max_completion_tokens"), fc.integer({ min: 1, max: 8000 })),
        { nil: undefined },
      ),
      stop: fc.option(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 4 })), { nil: undefined }),
      stream: fc.boolean(),
      extra: risky
        ? fc.option(
            fc.constantFrom<Record<string, unknown>>(
              { response_format: { type: "json_object" } },
              { parallel_tool_calls: false },
              {
                response_format: {
                  type: "json_schema",
                  json_schema: { name: "out", schema: { type: "object" } },
                },
              },
            ),
            { nil: undefined },
          )
        : fc.constant(undefined),
    })
    .map((drawn) => {
      const messages: unknown[] = [{ role: "user", content: drawn.first }];
      const calls: RequestCase["calls"] = [];
      for (const value of drawn.steps) {
        if (value.kind === "system") messages.push({ role: value.role, content: value.content });
        else if (value.kind === "user") messages.push({ role: "user", content: value.content });
        else {
          const ids = value.calls.map((_, index) => `call_${messages.length}_${index}`);
          const assistant: Record<string, unknown> = { role: "assistant", content: value.content };
          if (value.calls.length > 0) {
            assistant.tool_calls = value.calls.map((call, index) => ({
              id: ids[index],
              type: "function",
              function: { name: call.name, arguments: JSON.stringify(call.args) },
            }));
          }
          messages.push(assistant);
          value.calls.forEach((call, index) => {
            const id = ids[index] ?? "";
            calls.push({ id, name: call.name, args: call.args });
            messages.push({ role: "tool", tool_call_id: id, content: call.result });
          });
        }
      }
      const body: Record<string, unknown> = { model: "model-1", messages };
      if (drawn.declareTools || calls.length > 0 || drawn.toolChoice !== undefined) {
        body.tools = TOOL_NAMES.map((name) => ({
          type: "function",
          function: {
            name,
            description: `The ${name} tool`,
            parameters: {
              type: "object",
              properties: { city: { type: "string" }, limit: { type: "integer" } },
            },
          },
        }));
      }
      if (drawn.toolChoice !== undefined) body.tool_choice = drawn.toolChoice;
      if (drawn.temperature !== undefined) body.temperature = drawn.temperature;
      if (drawn.topP !== undefined) body.top_p = drawn.topP;
      if (drawn.maxTokens !== undefined) body[drawn.maxTokens[0]] = drawn.maxTokens[1];
      if (drawn.stop !== undefined) body.stop = drawn.stop;
      if (drawn.stream) body.stream = true;
      if (drawn.extra !== undefined) Object.assign(body, drawn.extra);
      return { request: parseChatRequest(body), calls };
    });
}
