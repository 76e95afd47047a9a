import { describe, expect, it } from "vitest";
import { anthropicFinishReason } from "../../../../../shared/providers/anthropic/finish-reason.ts";
import { anthropicTranslator } from "../../../../../shared/providers/anthropic/translator.ts";
import { JSON_MODE_INSTRUCTION } from "../../../../../shared/translation/common/json-mode.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import { describeFixtures } from "../../translation/fixture-cases.ts";

describeFixtures("anthropic", anthropicTranslator);

const translate = (request: unknown) =>
  anthropicTranslator.toProviderRequest(parseChatRequest(request), "claude-sonnet-4-5").body as Record<
    string,
    unknown
  >;
const user = [{ role: "user", content: "hi" }];
const tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }];

describe("anthropic request translation", () => {
  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
    [
      { type: "function", function: { name: "lookup" } },
      { type: "tool", name: "lookup" },
    ],
  ])("maps tool_choice %j to %j", (choice, expected) => {
    expect(translate({ messages: user, tools, tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it("gives a tool without parameters an empty object schema", () => {
    const body = translate({ messages: user, tools: [{ type: "function", function: { name: "now" } }] });
    expect(body.tools).toEqual([{ name: "now", input_schema: { type: "object", properties: {} } }]);
  });

  it("uses max_tokens when max_completion_tokens is absent", () => {
    expect(translate({ messages: user, max_tokens: 77 }).max_tokens).toBe(77);
  });

  it("keeps a stop list as stop_sequences", () => {
    expect(translate({ messages: user, stop: ["a", "b"] }).stop_sequences).toEqual(["a", "b"]);
  });

  it.each([
    [{ presence_penalty: 0.5 }, "presence_penalty"],
    [{ frequency_penalty: 1 }, "frequency_penalty"],
    [{ logit_bias: { "1": 2 } }, "logit_bias"],
    [{ logprobs: true }, "logprobs"],
    [{ seed: 7 }, "seed"],
    [{ n: 2 }, "n"],
    [{ reasoning_effort: "high" }, "reasoning_effort"],
    [{ modalities: ["text", "audio"] }, "modalities"],
  ])("refuses %j with a 400 naming %s", (extra, name) => {
    expect(() => translate({ messages: user, ...extra })).toThrow(new RegExp(`anthropic: .*${name}`));
  });

  it("accepts neutral values of parameters it cannot honour (n: 1, logprobs: false, penalties 0)", () => {
    expect(() =>
      translate({ messages: user, n: 1, logprobs: false, presence_penalty: 0, frequency_penalty: 0 }),
    ).not.toThrow();
  });

  it("asks for one JSON object in system for json_object, which Anthropic has no mode for", () => {
    const body = translate({
      messages: [{ role: "system", content: "Be brief." }, ...user],
      response_format: { type: "json_object" },
    });
    expect(body.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: JSON_MODE_INSTRUCTION },
    ]);
    expect(body.output_config).toBeUndefined();
    expect(translate({ messages: user, response_format: { type: "json_object" } }).system).toBe(
      JSON_MODE_INSTRUCTION,
    );
  });

  it("refuses a temperature above Anthropic's maximum of 1", () => {
    expect(() => translate({ messages: user, temperature: 1.5 })).toThrow(/temperature/);
  });

  it("refuses tool call arguments that are not a JSON object", () => {
    const messages = [
      ...user,
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t1", type: "function", function: { name: "lookup", arguments: "{oops" } }],
      },
    ];
    expect(() => translate({ messages })).toThrow(/arguments of tool call "lookup"/);
  });

  it("refuses an assistant message with neither content nor tool calls", () => {
    expect(() => translate({ messages: [...user, { role: "assistant", content: null }] })).toThrow(
      /messages\[1\]: an assistant message needs content or tool_calls/,
    );
  });

  it("refuses a conversation of system messages only", () => {
    expect(() => translate({ messages: [{ role: "system", content: "x" }] })).toThrow(/at least one user/);
  });

  it("refuses a forced tool that is not among the tools", () => {
    expect(() =>
      translate({ messages: user, tools, tool_choice: { type: "function", function: { name: "other" } } }),
    ).toThrow(/no tool named "other"/);
  });

  it("refuses audio content parts", () => {
    const messages = [
      { role: "user", content: [{ type: "input_audio", input_audio: { data: "AA", format: "wav" } }] },
    ];
    expect(() => translate({ messages })).toThrow(/input_audio/);
  });
});

describe("parseChatRequest", () => {
  it.each([
    [{}, "messages"],
    [{ messages: [] }, "messages"],
    [{ messages: [{ role: "wizard", content: "x" }] }, "messages.0"],
    [{ messages: [{ role: "tool", content: "x" }] }, "messages.0"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] }, "messages.0"],
    [{ messages: user, tool_choice: "sometimes" }, "tool_choice"],
    [{ messages: user, temperature: 3 }, "temperature"],
  ])("refuses a malformed request %j with a 400 at %s", (body, where) => {
    expect(() => parseChatRequest(body)).toThrow(`at ${where}`);
  });
});

describe("anthropicFinishReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["something_new", "stop"],
    [null, "stop"],
  ])("maps %s to %s", (reason, expected) => {
    expect(anthropicFinishReason(reason)).toBe(expected);
  });
});

describe("anthropic stream translation", () => {
  it("numbers tool calls from 0 even when text blocks come first, and closes with finish() when message_stop is missing", () => {
    const stream = anthropicTranslator.createStreamTranslator("m", "id", 1);
    const chunks = [
      ...stream.push({ type: "message_start", message: { usage: { input_tokens: 3, output_tokens: 1 } } }),
      ...stream.push({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      ...stream.push({
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "a", name: "f", input: {} },
      }),
      ...stream.push({
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "b", name: "g", input: {} },
      }),
      ...stream.finish(),
    ];
    const indexes = chunks
      .flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
      .map((call) => call.index);
    expect(indexes).toEqual([0, 1]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.usage?.prompt_tokens).toBe(3);
  });

  it("turns an error event into a GatewayError with the overloaded status", () => {
    const stream = anthropicTranslator.createStreamTranslator("m", "id", 1);
    expect(() =>
      stream.push({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    ).toThrow(expect.objectContaining({ status: 529, message: "Overloaded" }));
  });
});
