import { describe, expect, it } from "vitest";
import { bedrockFinishReason } from "../../../../../shared/providers/aws-bedrock/finish-reason.ts";
import { bedrockConverseTranslator } from "../../../../../shared/providers/aws-bedrock/translator.ts";
import { JSON_MODE_INSTRUCTION } from "../../../../../shared/translation/common/json-mode.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import { describeFixtures } from "../../translation/fixture-cases.ts";

describeFixtures("bedrock-converse", bedrockConverseTranslator);

const translate = (request: unknown) =>
  bedrockConverseTranslator.toProviderRequest(parseChatRequest(request), "amazon.nova-pro-v1:0")
    .body as Record<string, unknown>;
const user = [{ role: "user", content: "hi" }];
const tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }];

describe("bedrock converse request translation", () => {
  it.each([
    ["auto", { auto: {} }],
    ["required", { any: {} }],
    [{ type: "function", function: { name: "lookup" } }, { tool: { name: "lookup" } }],
  ])("maps tool_choice %j to %j", (choice, expected) => {
    const body = translate({ messages: user, tools, tool_choice: choice });
    expect((body.toolConfig as Record<string, unknown>).toolChoice).toEqual(expected);
  });

  it("asks for one JSON object in system for json_object, which Converse has no mode for", () => {
    const body = translate({
      messages: [{ role: "system", content: "Be brief." }, ...user],
      response_format: { type: "json_object" },
    });
    expect(body.system).toEqual([{ text: "Be brief." }, { text: JSON_MODE_INSTRUCTION }]);
    expect(body.outputConfig).toBeUndefined();
  });

  it('leaves the tools out for tool_choice "none" when the history has no tool blocks', () => {
    expect(translate({ messages: user, tools, tool_choice: "none" }).toolConfig).toBeUndefined();
  });

  it('refuses tool_choice "none" once the history holds tool calls, as Converse then requires toolConfig', () => {
    const messages = [
      ...user,
      {
        role: "assistant",
        tool_calls: [{ id: "t", type: "function", function: { name: "lookup", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t", content: "ok" },
    ];
    expect(() => translate({ messages, tools, tool_choice: "none" })).toThrow(/tool_choice: "none"/);
  });

  it("merges consecutive user messages into one turn, as Converse requires alternating roles", () => {
    const body = translate({ messages: [...user, { role: "user", content: "again" }] });
    expect(body.messages).toEqual([{ role: "user", content: [{ text: "hi" }, { text: "again" }] }]);
  });

  it("refuses parallel_tool_calls: false, which Converse cannot honour", () => {
    expect(() => translate({ messages: user, tools, parallel_tool_calls: false })).toThrow(
      /parallel_tool_calls/,
    );
  });

  it("refuses an image format Converse does not take", () => {
    const messages = [
      { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/bmp;base64,AA" } }] },
    ];
    expect(() => translate({ messages })).toThrow(/image\/bmp/);
  });

  it("accepts response_format text, which asks for nothing", () => {
    expect(() => translate({ messages: user, response_format: { type: "text" } })).not.toThrow();
  });
});

describe("bedrockFinishReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["guardrail_intervened", "content_filter"],
    ["content_filtered", "content_filter"],
    ["new_reason", "stop"],
  ])("maps %s to %s", (reason, expected) => {
    expect(bedrockFinishReason(reason)).toBe(expected);
  });
});

describe("bedrock converse stream translation", () => {
  it("turns a throttlingException event into a retryable GatewayError", () => {
    const stream = bedrockConverseTranslator.createStreamTranslator("m", "id", 1);
    expect(() => stream.push({ type: "throttlingException", payload: { message: "slow down" } })).toThrow(
      expect.objectContaining({ retryable: true, message: "throttlingException: slow down" }),
    );
  });

  it("accepts a payload still encoded as JSON text", () => {
    const stream = bedrockConverseTranslator.createStreamTranslator("m", "id", 1);
    const chunks = stream.push({
      type: "contentBlockDelta",
      payload: '{"contentBlockIndex":0,"delta":{"text":"x"}}',
    });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(["", "x"]);
  });
});
