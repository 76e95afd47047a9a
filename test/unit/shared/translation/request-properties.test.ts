import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { translatorFor } from "../../../../shared/providers/registry.ts";
import { anthropicSurfaceToChatRequest } from "../../../../shared/surfaces/anthropic-messages/request.ts";
import type { OpenAIChatRequest } from "../../../../shared/translation/openai/chat-schema.ts";
import { canonicalRequest, TOOL_NAMES, text, toolArguments } from "./fast-check-arbitraries.ts";

/**
 * Properties of request translation over arbitrary valid canonical requests (fast-check): translation to
 * each provider never throws anything but a documented 400, and what it sends keeps every text (in order),
 * every tool call (id where the provider has ids, name, arguments) and every tool result.
 */

const NUM_RUNS = 200;

type Json = Record<string, unknown>;

interface Extracted {
  texts: string[];
  calls: Array<{ id?: string; name: string; args: unknown }>;
  results: string[];
}

const blocksOf = (content: unknown): Json[] =>
  typeof content === "string" ? [{ type: "text", text: content }] : ((content ?? []) as Json[]);

function fromAnthropic(body: Json): Extracted {
  const blocks = (body.messages as Json[]).flatMap((message) => blocksOf(message.content));
  return {
    texts: [
      ...blocksOf(body.system).map((block) => block.text as string),
      ...blocks.flatMap((block) => (block.type === "text" ? [block.text as string] : [])),
    ],
    calls: blocks.flatMap((block) =>
      block.type === "tool_use"
        ? [{ id: block.id as string, name: block.name as string, args: block.input }]
        : [],
    ),
    results: blocks.flatMap((block) => (block.type === "tool_result" ? [block.content as string] : [])),
  };
}

function fromBedrock(body: Json): Extracted {
  const blocks = (body.messages as Array<{ content: Json[] }>).flatMap((message) => message.content);
  return {
    texts: [
      ...((body.system ?? []) as Json[]).map((block) => block.text as string),
      ...blocks.flatMap((block) => (typeof block.text === "string" ? [block.text] : [])),
    ],
    calls: blocks.flatMap((block) => {
      const use = block.toolUse as Json | undefined;
      return use ? [{ id: use.toolUseId as string, name: use.name as string, args: use.input }] : [];
    }),
    results: blocks.flatMap((block) => {
      const result = block.toolResult as { content: Json[] } | undefined;
      return result ? result.content.map((entry) => entry.text as string) : [];
    }),
  };
}

function fromGemini(body: Json): Extracted {
  const parts = (body.contents as Array<{ parts: Json[] }>).flatMap((content) => content.parts);
  const system = ((body.systemInstruction as { parts?: Json[] } | undefined)?.parts ?? []) as Json[];
  return {
    texts: [...system, ...parts].flatMap((part) => (typeof part.text === "string" ? [part.text] : [])),
    calls: parts.flatMap((part) => {
      const call = part.functionCall as Json | undefined;
      return call ? [{ name: call.name as string, args: call.args }] : [];
    }),
    results: parts.flatMap((part) => {
      const response = part.functionResponse as { response: { content: string } } | undefined;
      return response ? [response.response.content] : [];
    }),
  };
}

function fromCohere(body: Json): Extracted {
  const messages = body.messages as Json[];
  return {
    texts: messages.flatMap((message) => [
      ...(typeof message.tool_plan === "string" ? [message.tool_plan] : []),
      ...(message.role === "tool"
        ? []
        : blocksOf(message.content).flatMap((part) => (part.type === "text" ? [part.text as string] : []))),
    ]),
    calls: messages.flatMap((message) =>
      (
        (message.tool_calls ?? []) as Array<{ id: string; function: { name: string; arguments: string } }>
      ).map((call) => ({ id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) })),
    ),
    results: messages.flatMap((message) => (message.role === "tool" ? [message.content as string] : [])),
  };
}

/** The non-empty text parts of a canonical request, system and developer ones first, as providers hoist them. */
function canonicalTexts(request: OpenAIChatRequest): string[] {
  const parts = (message: OpenAIChatRequest["messages"][number]): string[] => {
    const content = message.content;
    if (content === undefined || content === null) return [];
    if (typeof content === "string") return [content];
    return content.flatMap((part) => (part.type === "text" ? [part.text] : []));
  };
  const systemLike = (message: { role: string }) => message.role === "system" || message.role === "developer";
  return [
    ...request.messages.filter(systemLike).flatMap(parts),
    ...request.messages.filter((m) => !systemLike(m) && m.role !== "tool").flatMap(parts),
  ].filter((value) => value !== "");
}

function canonicalResults(request: OpenAIChatRequest): string[] {
  return request.messages.flatMap((message) =>
    message.role === "tool"
      ? [
          typeof message.content === "string"
            ? message.content
            : message.content.map((part) => part.text).join(""),
        ]
      : [],
  );
}

/**
 * Every expected text occurs, in order, in what the provider received. Providers may join adjacent texts
 * (one system field, one text block per assistant turn), so texts are found inside the joined whole.
 */
function expectTextsInOrder(received: string[], expected: string[]): void {
  const whole = received.join("\u0000");
  let from = 0;
  for (const value of expected) {
    const at = whole.indexOf(value, from);
    expect(at, `text ${JSON.stringify(value)} kept, in order`).toBeGreaterThanOrEqual(0);
    from = at + value.length;
  }
  // Nothing was invented: the provider's texts are the caller's texts, plus at most one joiner (up to two
  // characters, "\n\n") between two of them; one received text may join several (Cohere's one system field).
  const joiners = 2 * Math.max(expected.length, received.length);
  expect(received.join("").length).toBeLessThanOrEqual(expected.join("").length + joiners);
}

/** Translation either succeeds or refuses with a documented 400 GatewayError; anything else fails. */
function translateOr400(provider: string, request: OpenAIChatRequest): Json | undefined {
  const translator = translatorFor(provider);
  if (!translator) throw new Error(`no translator for ${provider}`);
  try {
    return translator.toProviderRequest(request, "model-1").body as Json;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    return undefined;
  }
}

const EXTRACTORS: Array<[string, (body: Json) => Extracted, boolean]> = [
  ["anthropic", fromAnthropic, true],
  ["aws-bedrock", fromBedrock, true],
  ["google-ai-studio", fromGemini, false],
  ["cohere", fromCohere, true],
];

/**
 * A request fast-check once found (seed 1741751518): whitespace-only texts, four of them system ones, which
 * Cohere joins into one field with "\n\n" between them. Run first on every provider.
 */
const JOINED_SYSTEM_TEXTS = {
  request: {
    model: "model-1",
    messages: [
      { role: "user", content: " " },
      { role: "system", content: " " },
      { role: "system", content: [{ type: "text", text: " " }] },
      { role: "system", content: " " },
      { role: "system", content: " " },
    ],
  } as OpenAIChatRequest,
  calls: [],
};

describe.each(EXTRACTORS)("request translation to %s (fast-check)", (provider, extract, keepsIds) => {
  it("never throws on a valid request, and keeps every text, tool call and tool result", () => {
    fc.assert(
      fc.property(canonicalRequest({ risky: false }), ({ request, calls }) => {
        const translator = translatorFor(provider);
        // Cohere cannot force one named function (a documented 400); every other valid request translates.
        if (provider === "cohere" && typeof request.tool_choice === "object") return;
        const body = translator?.toProviderRequest(request, "model-1").body as Json;
        const extracted = extract(body);
        expectTextsInOrder(extracted.texts, canonicalTexts(request));
        expect(extracted.results).toEqual(canonicalResults(request));
        expect(extracted.calls).toEqual(
          calls.map((call) =>
            keepsIds
              ? { id: call.id, name: call.name, args: call.args }
              : { name: call.name, args: call.args },
          ),
        );
      }),
      { numRuns: NUM_RUNS, examples: [[JOINED_SYSTEM_TEXTS]] },
    );
  });

  it("refuses what it cannot honour only with a 400, never another error", () => {
    fc.assert(
      fc.property(canonicalRequest({ risky: true }), ({ request }) => {
        translateOr400(provider, request);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("request translation to the OpenAI-compatible family (fast-check)", () => {
  it.each(["openai", "groq", "mistral", "deepseek", "grok", "perplexity-ai", "cerebras", "openrouter"])(
    "%s: the body is the caller's request with the bare model, usage asked for when streaming",
    (provider) => {
      fc.assert(
        fc.property(canonicalRequest({ risky: true }), ({ request }) => {
          const body = translateOr400(provider, request);
          if (body === undefined) return;
          expect(body.messages).toEqual(request.messages);
          expect(body.tools).toEqual(request.tools);
          expect(body.model).toBe("model-1");
          if (request.stream === true) expect(body.stream_options).toMatchObject({ include_usage: true });
        }),
        { numRuns: 50 },
      );
    },
  );
});

/** An Anthropic Messages request as a caller of /ai/v1/messages sends it, with its expected canonical content. */
const anthropicSurfaceRequest = fc
  .record({
    system: fc.option(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 2 })), { nil: undefined }),
    turns: fc.array(
      fc.record({
        userText: fc.array(text, { minLength: 1, maxLength: 2 }),
        assistantText: fc.option(text, { nil: undefined }),
        calls: fc.array(
          fc.record({ name: fc.constantFrom(...TOOL_NAMES), input: toolArguments, result: text }),
          {
            maxLength: 3,
          },
        ),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map(({ system, turns }) => {
    const messages: Json[] = [];
    const texts: string[] = typeof system === "string" ? [system] : [...(system ?? [])];
    const calls: Array<{ id: string; name: string; args: unknown; result: string }> = [];
    turns.forEach((turn, turnIndex) => {
      const pendingResults = calls.filter((call) => call.id.startsWith(`toolu_${turnIndex - 1}_`));
      messages.push({
        role: "user",
        content: [
          ...pendingResults.map((call) => ({
            type: "tool_result",
            tool_use_id: call.id,
            content: call.result,
          })),
          ...turn.userText.map((value) => ({ type: "text", text: value })),
        ],
      });
      texts.push(...turn.userText);
      const content: Json[] = [];
      if (turn.assistantText !== undefined) {
        content.push({ type: "text", text: turn.assistantText });
        texts.push(turn.assistantText);
      }
      turn.calls.forEach((call, index) => {
        const id = `toolu_${turnIndex}_${index}`;
        calls.push({ id, name: call.name, args: call.input, result: call.result });
        content.push({ type: "tool_use", id, name: call.name, input: call.input });
      });
      if (content.length > 0) messages.push({ role: "assistant", content });
    });
    // Calls of the last assistant turn are answered too, so that every call has its result.
    const last = calls.filter((call) => call.id.startsWith(`toolu_${turns.length - 1}_`));
    if (last.length > 0) {
      messages.push({
        role: "user",
        content: last.map((call) => ({ type: "tool_result", tool_use_id: call.id, content: call.result })),
      });
    }
    const body: Json = {
      model: "openai/gpt-4o-mini",
      max_tokens: 256,
      messages,
      ...(system === undefined
        ? {}
        : {
            system:
              typeof system === "string" ? system : system.map((value) => ({ type: "text", text: value })),
          }),
      ...(calls.length > 0
        ? {
            tools: TOOL_NAMES.map((name) => ({ name, input_schema: { type: "object", properties: {} } })),
          }
        : {}),
    };
    return { body, texts, calls };
  });

describe("the Anthropic surface: Anthropic request -> canonical (fast-check)", () => {
  it("keeps every text, tool_use (id, name, input) and tool_result", () => {
    fc.assert(
      fc.property(anthropicSurfaceRequest, ({ body, texts, calls }) => {
        const request = anthropicSurfaceToChatRequest(body);
        expectTextsInOrder(canonicalTexts(request), texts);
        const toolCalls = request.messages.flatMap((message) =>
          message.role === "assistant" ? (message.tool_calls ?? []) : [],
        );
        expect(
          toolCalls.map((call) => ({
            id: call.id,
            name: call.function.name,
            args: JSON.parse(call.function.arguments),
          })),
        ).toEqual(calls.map(({ id, name, args }) => ({ id, name, args })));
        expect(
          request.messages.flatMap((message) =>
            message.role === "tool" ? [{ id: message.tool_call_id, result: message.content }] : [],
          ),
        ).toEqual(calls.map((call) => ({ id: call.id, result: call.result })));
        // And it goes on to every provider without an unexpected error.
        for (const provider of ["anthropic", "aws-bedrock", "google-ai-studio", "openai", "cohere"]) {
          translateOr400(provider, request);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
