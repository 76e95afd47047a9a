import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { translatorFor } from "../../../../shared/providers/registry.ts";
import { chatCompletionToAnthropicMessage } from "../../../../shared/surfaces/anthropic-messages/response.ts";
import { createAnthropicSurfaceStream } from "../../../../shared/surfaces/anthropic-messages/stream.ts";
import type { OpenAIChatChunk, OpenAIChatCompletion } from "../../../../shared/translation/types.ts";
import { TOOL_NAMES, text, toolArguments } from "./fast-check-arbitraries.ts";

/**
 * Properties of answer translation (fast-check): for arbitrary provider responses and stream event sequences
 * (text and tool-call input split at arbitrary points, pings, padding), the canonical completion or chunks
 * keep every text, every tool call (id, name, arguments) and every token count, with usage normalised the
 * one way: prompt_tokens = all input (uncached + cache reads + cache writes), cached_tokens = cache reads,
 * neither lost nor counted twice.
 */

const NUM_RUNS = 200;

type Block =
  | { kind: "text"; text: string }
  | { kind: "tool"; id: string; name: string; args: Record<string, unknown> };

interface Plan {
  blocks: Block[];
  usage: { input: number; cacheRead: number; cacheWrite: number; output: number; thoughts: number };
  /** Sizes at which texts and argument JSON are cut into stream pieces (cycled). */
  cuts: number[];
}

const count = fc.integer({ min: 0, max: 100_000 });

const plan: fc.Arbitrary<Plan> = fc.record({
  blocks: fc
    .array(
      fc.oneof(
        text.map((value) => ({ kind: "text" as const, text: value })),
        fc
          .record({ name: fc.constantFrom(...TOOL_NAMES), args: toolArguments })
          .map((call) => ({ kind: "tool" as const, id: "", ...call })),
      ),
      { maxLength: 5 },
    )
    .map((blocks) =>
      blocks.map((block, index) => (block.kind === "tool" ? { ...block, id: `toolu_${index}` } : block)),
    ),
  usage: fc.record({ input: count, cacheRead: count, cacheWrite: count, output: count, thoughts: count }),
  cuts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
});

/** `value` cut into consecutive pieces of the plan's sizes; at least one piece. */
function pieces(value: string, cuts: number[]): string[] {
  const result: string[] = [];
  const characters = [...value];
  for (let at = 0, turn = 0; at < characters.length; turn += 1) {
    const size = cuts[turn % cuts.length] ?? 1;
    result.push(characters.slice(at, at + size).join(""));
    at += size;
  }
  return result.length === 0 ? [""] : result;
}

const texts = (p: Plan) => p.blocks.flatMap((block) => (block.kind === "text" ? [block.text] : [])).join("");
const tools = (p: Plan) => p.blocks.flatMap((block) => (block.kind === "tool" ? [block] : []));
const finish = (p: Plan) => (tools(p).length > 0 ? "tool_calls" : "stop");

/** The usage every translator must report for cache-aware providers (Anthropic, Bedrock). */
function expectedUsage(input: number, cacheRead: number, cacheWrite: number, output: number) {
  const prompt = input + cacheRead + cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

interface Reassembled {
  text: string;
  calls: Array<{ id: string; name: string; args: unknown }>;
  finishReasons: string[];
  usageChunks: OpenAIChatChunk[];
  firstIsRole: boolean;
}

/** What an OpenAI client makes of the chunks: text, tool calls by index, finish reasons, usage chunks. */
function reassemble(chunks: OpenAIChatChunk[]): Reassembled {
  const calls: Array<{ id: string; name: string; args: string }> = [];
  let joined = "";
  const finishReasons: string[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      joined += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        calls[call.index] ??= { id: "", name: "", args: "" };
        const entry = calls[call.index] as { id: string; name: string; args: string };
        if (call.id !== undefined) entry.id = call.id;
        if (call.function?.name !== undefined) entry.name = call.function.name;
        entry.args += call.function?.arguments ?? "";
      }
      if (choice.finish_reason !== null) finishReasons.push(choice.finish_reason);
    }
  }
  return {
    text: joined,
    calls: calls.map((call) => ({ id: call.id, name: call.name, args: JSON.parse(call.args || "{}") })),
    finishReasons,
    usageChunks: chunks.filter((chunk) => chunk.usage !== undefined && chunk.usage !== null),
    firstIsRole: chunks[0]?.choices[0]?.delta.role === "assistant",
  };
}

function runStream(provider: string, events: unknown[]): OpenAIChatChunk[] {
  const stream = translatorFor(provider)?.createStreamTranslator("m", "chatcmpl-s", 1);
  if (!stream) throw new Error(`no translator for ${provider}`);
  return [...events.flatMap((event) => stream.push(event)), ...stream.finish()];
}

function completionFacts(completion: OpenAIChatCompletion) {
  const message = completion.choices[0]?.message;
  return {
    text: message?.content ?? "",
    calls: (message?.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      args: JSON.parse(call.function.arguments),
    })),
    finish: completion.choices[0]?.finish_reason,
    usage: completion.usage,
  };
}

function anthropicEvents(p: Plan): unknown[] {
  const { input, cacheRead, cacheWrite, output } = p.usage;
  const events: unknown[] = [
    {
      type: "message_start",
      message: {
        id: "msg_s",
        type: "message",
        role: "assistant",
        content: [],
        usage: {
          input_tokens: input,
          cache_read_input_tokens: cacheRead,
          cache_creation_input_tokens: cacheWrite,
          output_tokens: 1,
        },
      },
    },
  ];
  p.blocks.forEach((block, index) => {
    if (block.kind === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const piece of pieces(block.text, p.cuts)) {
        events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
      }
    } else {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      for (const piece of ["", ...pieces(JSON.stringify(block.args), p.cuts)]) {
        events.push({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        });
      }
    }
    events.push({ type: "content_block_stop", index }, { type: "ping" });
  });
  events.push(
    {
      type: "message_delta",
      delta: { stop_reason: tools(p).length > 0 ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: output },
    },
    { type: "message_stop" },
  );
  return events;
}

function bedrockEvents(p: Plan): unknown[] {
  const { input, cacheRead, cacheWrite, output } = p.usage;
  const pad = { p: "abcdefghijklmnop".slice(0, 1 + (p.cuts[0] ?? 0)) };
  const events: unknown[] = [{ type: "messageStart", payload: { role: "assistant", ...pad } }];
  p.blocks.forEach((block, contentBlockIndex) => {
    if (block.kind === "text") {
      for (const piece of pieces(block.text, p.cuts)) {
        events.push({
          type: "contentBlockDelta",
          payload: { contentBlockIndex, delta: { text: piece }, ...pad },
        });
      }
    } else {
      events.push({
        type: "contentBlockStart",
        payload: { contentBlockIndex, start: { toolUse: { toolUseId: block.id, name: block.name } }, ...pad },
      });
      for (const piece of pieces(JSON.stringify(block.args), p.cuts)) {
        events.push({
          type: "contentBlockDelta",
          payload: { contentBlockIndex, delta: { toolUse: { input: piece } }, ...pad },
        });
      }
    }
    events.push({ type: "contentBlockStop", payload: { contentBlockIndex, ...pad } });
  });
  events.push(
    { type: "messageStop", payload: { stopReason: tools(p).length > 0 ? "tool_use" : "end_turn", ...pad } },
    {
      type: "metadata",
      payload: {
        usage: {
          inputTokens: input,
          outputTokens: output,
          totalTokens: input + cacheRead + cacheWrite + output,
          cacheReadInputTokens: cacheRead,
          cacheWriteInputTokens: cacheWrite,
        },
        metrics: { latencyMs: 42 },
        ...pad,
      },
    },
  );
  return events;
}

/** Gemini counts cached tokens inside promptTokenCount and thinking apart from candidates. */
function geminiUsage(p: Plan, final: boolean) {
  const prompt = p.usage.input + p.usage.cacheRead;
  const candidates = final ? p.usage.output : 0;
  const thoughts = final ? p.usage.thoughts : 0;
  return {
    promptTokenCount: prompt,
    cachedContentTokenCount: p.usage.cacheRead,
    candidatesTokenCount: candidates,
    thoughtsTokenCount: thoughts,
    totalTokenCount: prompt + candidates + thoughts,
  };
}

function geminiPart(block: Block) {
  return block.kind === "text"
    ? { text: block.text }
    : { functionCall: { name: block.name, args: block.args } };
}

describe("stream translation over arbitrary provider streams (fast-check)", () => {
  it.each([
    ["anthropic", anthropicEvents],
    ["aws-bedrock", bedrockEvents],
  ] as const)("%s: keeps text, tool calls, one finish reason and the token counts", (provider, toEvents) => {
    fc.assert(
      fc.property(plan, (p) => {
        const result = reassemble(runStream(provider, toEvents(p)));
        expect(result.firstIsRole).toBe(true);
        expect(result.text).toBe(texts(p));
        expect(result.calls).toEqual(tools(p).map(({ id, name, args }) => ({ id, name, args })));
        expect(result.finishReasons).toEqual([finish(p)]);
        expect(result.usageChunks).toHaveLength(1);
        expect(result.usageChunks[0]?.choices).toEqual([]);
        const { input, cacheRead, cacheWrite, output } = p.usage;
        expect(result.usageChunks[0]?.usage).toEqual(expectedUsage(input, cacheRead, cacheWrite, output));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("google-ai-studio: keeps text, function calls, the finish reason and the token counts (thinking is output)", () => {
    fc.assert(
      fc.property(plan, fc.boolean(), (p, usageOnEveryRecord) => {
        // Gemini streams text in pieces and each function call whole; usageMetadata is cumulative.
        const parts: Array<Record<string, unknown>> = p.blocks.flatMap(
          (block): Array<Record<string, unknown>> =>
            block.kind === "text"
              ? pieces(block.text, p.cuts).map((piece) => ({ text: piece }))
              : [geminiPart(block)],
        );
        const events = parts.map((part) => ({
          candidates: [{ content: { role: "model", parts: [part] }, index: 0 }],
          ...(usageOnEveryRecord ? { usageMetadata: geminiUsage(p, false) } : {}),
          responseId: "r1",
        }));
        events.push({
          candidates: [{ content: { role: "model", parts: [] }, finishReason: "STOP", index: 0 }],
          usageMetadata: geminiUsage(p, true),
          responseId: "r1",
        } as never);
        const result = reassemble(runStream("google-ai-studio", events));
        expect(result.text).toBe(texts(p));
        expect(result.calls.map(({ name, args }) => ({ name, args }))).toEqual(
          tools(p).map(({ name, args }) => ({ name, args })),
        );
        expect(new Set(result.calls.map((call) => call.id)).size).toBe(result.calls.length);
        expect(result.finishReasons).toEqual([finish(p)]);
        expect(result.usageChunks).toHaveLength(1);
        const { input, cacheRead, output, thoughts } = p.usage;
        expect(result.usageChunks[0]?.usage).toEqual(expectedUsage(input, cacheRead, 0, output + thoughts));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("openai-compatible: chunks pass as the provider sent them", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const chunks = p.blocks.map((block, index) => ({
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "m",
          choices: [
            {
              index: 0,
              delta:
                block.kind === "text"
                  ? { content: block.text }
                  : {
                      tool_calls: [
                        {
                          index,
                          id: block.id,
                          type: "function",
                          function: { name: block.name, arguments: JSON.stringify(block.args) },
                        },
                      ],
                    },
              finish_reason: null,
            },
          ],
        }));
        expect(runStream("groq", chunks)).toEqual(chunks);
      }),
      { numRuns: 50 },
    );
  });
});

/** Cohere v2 usage: billed units when reported (no cache figure on that basis), else `tokens` + cached_tokens. */
function cohereUsage(p: Plan, billed: boolean) {
  const { input, cacheRead, output } = p.usage;
  return billed
    ? {
        billed_units: { input_tokens: input, output_tokens: output },
        tokens: { input_tokens: input + 900, output_tokens: output + 9 },
        cached_tokens: cacheRead,
      }
    : { tokens: { input_tokens: input + cacheRead, output_tokens: output }, cached_tokens: cacheRead };
}

function cohereExpectedUsage(p: Plan, billed: boolean) {
  const { input, cacheRead, output } = p.usage;
  return billed ? expectedUsage(input, 0, 0, output) : expectedUsage(input, cacheRead, 0, output);
}

/** Cohere streams content blocks by `index`; a tool call is tool-call-start, argument deltas, tool-call-end. */
function cohereEvents(p: Plan, billed: boolean): unknown[] {
  const events: unknown[] = [
    {
      type: "message-start",
      id: "c1",
      delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } },
    },
  ];
  p.blocks.forEach((block, index) => {
    if (block.kind === "text") {
      events.push({
        type: "content-start",
        index,
        delta: { message: { content: { type: "text", text: "" } } },
      });
      for (const piece of pieces(block.text, p.cuts)) {
        events.push({ type: "content-delta", index, delta: { message: { content: { text: piece } } } });
      }
      events.push({ type: "content-end", index });
    } else {
      events.push({
        type: "tool-call-start",
        index,
        delta: {
          message: {
            tool_calls: { id: block.id, type: "function", function: { name: block.name, arguments: "" } },
          },
        },
      });
      for (const piece of pieces(JSON.stringify(block.args), p.cuts)) {
        events.push({
          type: "tool-call-delta",
          index,
          delta: { message: { tool_calls: { function: { arguments: piece } } } },
        });
      }
      events.push({ type: "tool-call-end", index });
    }
  });
  events.push({
    type: "message-end",
    delta: { finish_reason: tools(p).length > 0 ? "TOOL_CALL" : "COMPLETE", usage: cohereUsage(p, billed) },
  });
  return events;
}

describe("cohere answers over arbitrary responses and streams (fast-check)", () => {
  it("a stream keeps text, tool calls, one finish reason and the token counts", () => {
    fc.assert(
      fc.property(plan, fc.boolean(), (p, billed) => {
        const result = reassemble(runStream("cohere", cohereEvents(p, billed)));
        expect(result.firstIsRole).toBe(true);
        expect(result.text).toBe(texts(p));
        expect(result.calls).toEqual(tools(p).map(({ id, name, args }) => ({ id, name, args })));
        expect(result.finishReasons).toEqual([finish(p)]);
        expect(result.usageChunks.map((chunk) => chunk.usage)).toEqual([cohereExpectedUsage(p, billed)]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a response keeps the tool plan and text, every tool call and the token counts", () => {
    fc.assert(
      fc.property(plan, fc.boolean(), (p, billed) => {
        const textBlocks = p.blocks.flatMap((block) => (block.kind === "text" ? [block.text] : []));
        const completion = translatorFor("cohere")?.fromProviderResponse(
          {
            id: "c1",
            message: {
              role: "assistant",
              ...(tools(p).length > 0 && textBlocks.length > 0 ? { tool_plan: textBlocks.join("") } : {}),
              content: tools(p).length > 0 ? [] : textBlocks.map((value) => ({ type: "text", text: value })),
              tool_calls: tools(p).map((tool) => ({
                id: tool.id,
                type: "function",
                function: { name: tool.name, arguments: JSON.stringify(tool.args) },
              })),
            },
            finish_reason: tools(p).length > 0 ? "TOOL_CALL" : "COMPLETE",
            usage: cohereUsage(p, billed),
          },
          "m",
        );
        if (!completion) throw new Error("no completion");
        expect(completionFacts(completion)).toEqual({
          text: texts(p),
          calls: tools(p).map(({ id, name, args }) => ({ id, name, args })),
          finish: finish(p),
          usage: cohereExpectedUsage(p, billed),
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("response translation over arbitrary provider responses (fast-check)", () => {
  it("anthropic and aws-bedrock: keep the text, every tool call and the token counts", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { input, cacheRead, cacheWrite, output } = p.usage;
        const anthropic = translatorFor("anthropic")?.fromProviderResponse(
          {
            id: "msg",
            type: "message",
            role: "assistant",
            content: p.blocks.map((block) =>
              block.kind === "text"
                ? { type: "text", text: block.text }
                : { type: "tool_use", id: block.id, name: block.name, input: block.args },
            ),
            stop_reason: tools(p).length > 0 ? "tool_use" : "end_turn",
            usage: {
              input_tokens: input,
              cache_read_input_tokens: cacheRead,
              cache_creation_input_tokens: cacheWrite,
              output_tokens: output,
            },
          },
          "m",
        );
        const bedrock = translatorFor("aws-bedrock")?.fromProviderResponse(
          {
            output: {
              message: {
                role: "assistant",
                content: p.blocks.map((block) =>
                  block.kind === "text"
                    ? { text: block.text }
                    : { toolUse: { toolUseId: block.id, name: block.name, input: block.args } },
                ),
              },
            },
            stopReason: tools(p).length > 0 ? "tool_use" : "end_turn",
            usage: {
              inputTokens: input,
              outputTokens: output,
              totalTokens: input + cacheRead + cacheWrite + output,
              cacheReadInputTokens: cacheRead,
              cacheWriteInputTokens: cacheWrite,
            },
          },
          "m",
        );
        for (const completion of [anthropic, bedrock]) {
          if (!completion) throw new Error("no completion");
          expect(completionFacts(completion)).toEqual({
            text: texts(p),
            calls: tools(p).map(({ id, name, args }) => ({ id, name, args })),
            finish: finish(p),
            usage: expectedUsage(input, cacheRead, cacheWrite, output),
          });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("google-ai-studio: keeps the text, every function call and the token counts", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const completion = translatorFor("google-ai-studio")?.fromProviderResponse(
          {
            responseId: "r",
            candidates: [
              { content: { role: "model", parts: p.blocks.map(geminiPart) }, finishReason: "STOP", index: 0 },
            ],
            usageMetadata: geminiUsage(p, true),
          },
          "m",
        );
        if (!completion) throw new Error("no completion");
        const facts = completionFacts(completion);
        const { input, cacheRead, output, thoughts } = p.usage;
        expect(facts.text).toBe(texts(p));
        expect(facts.calls.map(({ name, args }) => ({ name, args }))).toEqual(
          tools(p).map(({ name, args }) => ({ name, args })),
        );
        expect(facts.finish).toBe(finish(p));
        expect(facts.usage).toEqual(expectedUsage(input, cacheRead, 0, output + thoughts));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("the Anthropic surface re-encodes canonical answers (fast-check)", () => {
  it("keeps text, tool input and tokens: input + cache reads = prompt_tokens, nothing counted twice", () => {
    fc.assert(
      fc.property(plan, (p) => {
        const chunks = runStream("anthropic", anthropicEvents(p));
        const surface = createAnthropicSurfaceStream("m", "msg_x");
        const events = [...chunks.flatMap((chunk) => surface.push(chunk)), ...surface.finish()];
        const deltas = events.filter((event) => event.type === "content_block_delta") as unknown as Array<{
          delta: Record<string, string>;
        }>;
        expect(
          deltas.flatMap((event) => (event.delta.type === "text_delta" ? [event.delta.text] : [])).join(""),
        ).toBe(texts(p));
        const starts = events.filter(
          (event) =>
            event.type === "content_block_start" &&
            (event.content_block as { type: string }).type === "tool_use",
        );
        expect(starts.map((event) => (event.content_block as { id: string }).id)).toEqual(
          tools(p).map((tool) => tool.id),
        );
        expect(events.filter((event) => event.type === "message_stop")).toHaveLength(1);

        const { input, cacheRead, cacheWrite, output } = p.usage;
        const usage = (
          events.find((event) => event.type === "message_delta") as unknown as {
            usage: Record<string, number>;
          }
        ).usage;
        const message = chatCompletionToAnthropicMessage(
          translatorFor("anthropic")?.fromProviderResponse(
            {
              id: "msg",
              type: "message",
              role: "assistant",
              content: [{ type: "text", text: "x" }],
              stop_reason: "end_turn",
              usage: {
                input_tokens: input,
                cache_read_input_tokens: cacheRead,
                cache_creation_input_tokens: cacheWrite,
                output_tokens: output,
              },
            },
            "m",
          ) as OpenAIChatCompletion,
        ).usage as Record<string, number>;
        for (const reported of [usage, message]) {
          expect(reported.output_tokens).toBe(output);
          expect(
            (reported.input_tokens ?? 0) +
              (reported.cache_read_input_tokens ?? 0) +
              (reported.cache_creation_input_tokens ?? 0),
          ).toBe(input + cacheRead + cacheWrite);
          expect(reported.cache_read_input_tokens).toBe(cacheRead);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
