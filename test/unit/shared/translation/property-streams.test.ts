import { describe, expect, it } from "vitest";
import { anthropicFinishReason } from "../../../../shared/translation/anthropic/finish-reason.ts";
import { anthropicTranslator } from "../../../../shared/translation/anthropic/index.ts";
import { createAnthropicSurfaceStream } from "../../../../shared/translation/anthropic-surface/stream.ts";
import { bedrockFinishReason } from "../../../../shared/translation/bedrock-converse/finish-reason.ts";
import { bedrockConverseTranslator } from "../../../../shared/translation/bedrock-converse/index.ts";
import { geminiTranslator } from "../../../../shared/translation/gemini/index.ts";
import type { OpenAIChatChunk } from "../../../../shared/translation/types.ts";
import { RUNS, TOOL_NAMES } from "./property-settings.ts";
import { type Random, seededRandom } from "./seeded-random.ts";

interface StreamPlan {
  blocks: Array<
    { kind: "text"; text: string } | { kind: "tool"; id: string; name: string; args: Record<string, unknown> }
  >;
  usage: { input: number; cacheRead: number; cacheWrite: number; output: number };
}

function randomPlan(random: Random, seed: number): StreamPlan {
  const blocks: StreamPlan["blocks"] = Array.from({ length: random.integer(0, 4) }, (_, index) =>
    random.chance(0.5)
      ? { kind: "text" as const, text: random.word() }
      : {
          kind: "tool" as const,
          id: `tool_${seed}_${index}`,
          name: random.pick(TOOL_NAMES),
          args: { q: random.word(), list: [random.integer(0, 5)] },
        },
  );
  return {
    blocks,
    usage: {
      input: random.integer(0, 5000),
      cacheRead: random.integer(0, 5000),
      cacheWrite: random.integer(0, 500),
      output: random.integer(0, 2000),
    },
  };
}

interface Reassembled {
  text: string;
  calls: Array<{ id: string; name: string; args: unknown }>;
  finishReasons: string[];
  usage: OpenAIChatChunk["usage"];
  firstIsRole: boolean;
}

function reassemble(chunks: OpenAIChatChunk[]): Reassembled {
  const calls: Array<{ id: string; name: string; args: string }> = [];
  let text = "";
  const finishReasons: string[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = calls[call.index] ?? { id: "", name: "", args: "" };
        calls[call.index] = entry;
        if (call.id !== undefined) entry.id = call.id;
        if (call.function.name !== undefined) entry.name = call.function.name;
        entry.args += call.function.arguments;
      }
      if (choice.finish_reason !== null) finishReasons.push(choice.finish_reason);
    }
  }
  const usageChunks = chunks.filter((chunk) => chunk.usage !== undefined);
  return {
    text,
    calls: calls.map((call) => ({ id: call.id, name: call.name, args: JSON.parse(call.args) })),
    finishReasons,
    usage:
      usageChunks.length === 1 && usageChunks[0]?.choices.length === 0 ? usageChunks[0].usage : undefined,
    firstIsRole: chunks[0]?.choices[0]?.delta.role === "assistant",
  };
}

function anthropicEvents(plan: StreamPlan, random: Random, stopReason: string): unknown[] {
  const events: unknown[] = [
    {
      type: "message_start",
      message: {
        usage: {
          input_tokens: plan.usage.input,
          cache_read_input_tokens: plan.usage.cacheRead,
          cache_creation_input_tokens: plan.usage.cacheWrite,
          output_tokens: 1,
        },
      },
    },
  ];
  plan.blocks.forEach((block, index) => {
    if (block.kind === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const piece of random.split(block.text))
        events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
    } else {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      for (const piece of random.split(JSON.stringify(block.args)))
        events.push({
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        });
    }
    events.push({ type: "content_block_stop", index });
    if (random.chance(0.2)) events.push({ type: "ping" });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: stopReason },
    usage: { output_tokens: plan.usage.output },
  });
  events.push({ type: "message_stop" });
  return events;
}

function bedrockEvents(plan: StreamPlan, random: Random, stopReason: string): unknown[] {
  const events: unknown[] = [{ type: "messageStart", payload: { role: "assistant" } }];
  plan.blocks.forEach((block, contentBlockIndex) => {
    if (block.kind === "text") {
      for (const piece of random.split(block.text))
        events.push({ type: "contentBlockDelta", payload: { contentBlockIndex, delta: { text: piece } } });
    } else {
      events.push({
        type: "contentBlockStart",
        payload: { contentBlockIndex, start: { toolUse: { toolUseId: block.id, name: block.name } } },
      });
      for (const piece of random.split(JSON.stringify(block.args)))
        events.push({
          type: "contentBlockDelta",
          payload: { contentBlockIndex, delta: { toolUse: { input: piece } } },
        });
    }
    events.push({ type: "contentBlockStop", payload: { contentBlockIndex } });
  });
  events.push({ type: "messageStop", payload: { stopReason } });
  const { input, cacheRead, cacheWrite, output } = plan.usage;
  events.push({
    type: "metadata",
    payload: {
      usage: {
        inputTokens: input,
        outputTokens: output,
        totalTokens: input + cacheRead + cacheWrite + output,
        cacheReadInputTokens: cacheRead,
        cacheWriteInputTokens: cacheWrite,
      },
    },
  });
  return events;
}

const expectedUsage = (usage: StreamPlan["usage"]) => ({
  prompt_tokens: usage.input + usage.cacheRead + usage.cacheWrite,
  completion_tokens: usage.output,
  total_tokens: usage.input + usage.cacheRead + usage.cacheWrite + usage.output,
  prompt_tokens_details: { cached_tokens: usage.cacheRead },
});

describe.each([
  [
    "anthropic",
    anthropicTranslator,
    anthropicEvents,
    ["end_turn", "max_tokens", "tool_use", "stop_sequence", "refusal"],
    anthropicFinishReason,
  ],
  [
    "aws-bedrock",
    bedrockConverseTranslator,
    bedrockEvents,
    ["end_turn", "max_tokens", "tool_use", "guardrail_intervened"],
    bedrockFinishReason,
  ],
] as const)(
  "%s stream translation over random streams",
  (_, translator, toEvents, stopReasons, mapReason) => {
    it(`keeps text, tool calls (ids, names, arguments), one finish reason and the token counts (${RUNS} seeds)`, () => {
      for (let seed = 1; seed <= RUNS; seed += 1) {
        const random = seededRandom(seed);
        const plan = randomPlan(random, seed);
        const stopReason = random.pick(stopReasons);
        const stream = translator.createStreamTranslator("m", "id", 1);
        const chunks = [
          ...toEvents(plan, random, stopReason).flatMap((event) => stream.push(event)),
          ...stream.finish(),
        ];
        const result = reassemble(chunks);
        expect(result.firstIsRole, `seed ${seed}`).toBe(true);
        expect(result.text, `seed ${seed}`).toBe(
          plan.blocks.map((block) => (block.kind === "text" ? block.text : "")).join(""),
        );
        expect(result.calls, `seed ${seed}`).toEqual(
          plan.blocks.flatMap((block) =>
            block.kind === "tool" ? [{ id: block.id, name: block.name, args: block.args }] : [],
          ),
        );
        expect(result.finishReasons, `seed ${seed}`).toEqual([mapReason(stopReason)]);
        expect(result.usage, `seed ${seed}`).toEqual(expectedUsage(plan.usage));

        // The Anthropic surface re-encodes the same chunks without losing text or tool input.
        const surface = createAnthropicSurfaceStream("m", "msg");
        const events = [...chunks.flatMap((chunk) => surface.push(chunk)), ...surface.finish()];
        const surfaceText = events
          .flatMap((event) =>
            event.type === "content_block_delta" && (event.delta as { type: string }).type === "text_delta"
              ? [(event.delta as { text: string }).text]
              : [],
          )
          .join("");
        expect(surfaceText, `seed ${seed}`).toBe(result.text);
        expect(
          events.filter((event) => event.type === "message_stop"),
          `seed ${seed}`,
        ).toHaveLength(1);
      }
    });
  },
);

describe("google-ai-studio stream translation over random streams", () => {
  it(`keeps text, function calls, the finish reason and the token counts (${RUNS} seeds)`, () => {
    for (let seed = 1; seed <= RUNS; seed += 1) {
      const random = seededRandom(seed);
      const plan = randomPlan(random, seed);
      const cached = Math.min(plan.usage.cacheRead, plan.usage.input);
      const usageMetadata = {
        promptTokenCount: plan.usage.input,
        cachedContentTokenCount: cached,
        candidatesTokenCount: plan.usage.output,
        totalTokenCount: plan.usage.input + plan.usage.output,
      };
      const events = plan.blocks.map((block) => ({
        candidates: [
          {
            content: {
              role: "model",
              parts: [
                block.kind === "text"
                  ? { text: block.text }
                  : { functionCall: { name: block.name, args: block.args } },
              ],
            },
            index: 0,
          },
        ],
      }));
      events.push({
        candidates: [{ content: { role: "model", parts: [] }, finishReason: "STOP", index: 0 }],
        usageMetadata,
      } as never);
      const stream = geminiTranslator.createStreamTranslator("m", "sid", 1);
      const result = reassemble([...events.flatMap((event) => stream.push(event)), ...stream.finish()]);
      const tools = plan.blocks.filter((block) => block.kind === "tool");
      expect(result.text, `seed ${seed}`).toBe(
        plan.blocks.map((block) => (block.kind === "text" ? block.text : "")).join(""),
      );
      expect(result.calls, `seed ${seed}`).toEqual(
        tools.map((block, index) => ({ id: `call_sid_${index}`, name: block.name, args: block.args })),
      );
      expect(result.finishReasons, `seed ${seed}`).toEqual([tools.length > 0 ? "tool_calls" : "stop"]);
      expect(result.usage, `seed ${seed}`).toEqual({
        prompt_tokens: plan.usage.input,
        completion_tokens: plan.usage.output,
        total_tokens: plan.usage.input + plan.usage.output,
        prompt_tokens_details: { cached_tokens: cached },
      });
    }
  });
});

describe("response translation over random provider responses", () => {
  it(`keeps the text, every tool call and the token counts for anthropic, aws-bedrock and google-ai-studio (${RUNS} seeds)`, () => {
    for (let seed = 1; seed <= RUNS; seed += 1) {
      const random = seededRandom(seed);
      const plan = randomPlan(random, seed);
      const { input, cacheRead, cacheWrite, output } = plan.usage;
      const text = plan.blocks.map((block) => (block.kind === "text" ? block.text : "")).join("");
      const tools = plan.blocks.flatMap((block) => (block.kind === "tool" ? [block] : []));

      const anthropic = anthropicTranslator.fromProviderResponse(
        {
          id: "msg",
          type: "message",
          role: "assistant",
          content: plan.blocks.map((block) =>
            block.kind === "text"
              ? { type: "text", text: block.text }
              : { type: "tool_use", id: block.id, name: block.name, input: block.args },
          ),
          stop_reason: tools.length > 0 ? "tool_use" : "end_turn",
          usage: {
            input_tokens: input,
            cache_read_input_tokens: cacheRead,
            cache_creation_input_tokens: cacheWrite,
            output_tokens: output,
          },
        },
        "m",
      );
      const bedrock = bedrockConverseTranslator.fromProviderResponse(
        {
          output: {
            message: {
              role: "assistant",
              content: plan.blocks.map((block) =>
                block.kind === "text"
                  ? { text: block.text }
                  : { toolUse: { toolUseId: block.id, name: block.name, input: block.args } },
              ),
            },
          },
          stopReason: tools.length > 0 ? "tool_use" : "end_turn",
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
        const message = completion.choices[0]?.message;
        expect(message?.content ?? "", `seed ${seed}`).toBe(text);
        expect(
          (message?.tool_calls ?? []).map((call) => ({
            id: call.id,
            name: call.function.name,
            args: JSON.parse(call.function.arguments),
          })),
          `seed ${seed}`,
        ).toEqual(tools.map((block) => ({ id: block.id, name: block.name, args: block.args })));
        expect(completion.usage, `seed ${seed}`).toEqual(expectedUsage(plan.usage));
        expect(completion.choices[0]?.finish_reason, `seed ${seed}`).toBe(
          tools.length > 0 ? "tool_calls" : "stop",
        );
      }

      const gemini = geminiTranslator.fromProviderResponse(
        {
          responseId: "r",
          candidates: [
            {
              content: {
                role: "model",
                parts: plan.blocks.map((block) =>
                  block.kind === "text"
                    ? { text: block.text }
                    : { functionCall: { name: block.name, args: block.args } },
                ),
              },
              finishReason: "STOP",
            },
          ],
          usageMetadata: {
            promptTokenCount: input + cacheRead,
            cachedContentTokenCount: cacheRead,
            candidatesTokenCount: output,
            totalTokenCount: input + cacheRead + output,
          },
        },
        "m",
      );
      const message = gemini.choices[0]?.message;
      expect(message?.content ?? "", `seed ${seed}`).toBe(text);
      expect(
        (message?.tool_calls ?? []).map((call) => ({
          name: call.function.name,
          args: JSON.parse(call.function.arguments),
        })),
        `seed ${seed}`,
      ).toEqual(tools.map((block) => ({ name: block.name, args: block.args })));
      expect(gemini.usage, `seed ${seed}`).toEqual(
        expectedUsage({ input, cacheRead, cacheWrite: 0, output }),
      );
    }
  });
});
