import { describe, expect, it } from "vitest";
import { geminiFinishReason } from "../../../../../shared/providers/google-ai-studio/finish-reason.ts";
import { toGeminiSchema } from "../../../../../shared/providers/google-ai-studio/tool-schema.ts";
import { geminiTranslator } from "../../../../../shared/providers/google-ai-studio/translator.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import { describeFixtures } from "../../translation/fixture-cases.ts";

describeFixtures("gemini", geminiTranslator);

const translate = (request: unknown) =>
  geminiTranslator.toProviderRequest(parseChatRequest(request), "gemini-2.5-flash").body as Record<
    string,
    unknown
  >;
const user = [{ role: "user", content: "hi" }];
const tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }];

describe("gemini request translation", () => {
  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
  ])("maps tool_choice %j to functionCallingConfig %j", (choice, expected) => {
    expect(translate({ messages: user, tools, tool_choice: choice }).toolConfig).toEqual({
      functionCallingConfig: expected,
    });
  });

  it("asks for JSON with json_object", () => {
    const body = translate({ messages: user, response_format: { type: "json_object" } });
    expect(body.generationConfig).toEqual({ responseMimeType: "application/json" });
  });

  it("refuses a tool result whose tool_call_id answers no earlier call", () => {
    expect(() =>
      translate({ messages: [...user, { role: "tool", tool_call_id: "nope", content: "x" }] }),
    ).toThrow(/tool_call_id "nope" answers no earlier tool call/);
  });

  it.each([
    [{ user: "u" }, "user"],
    [{ seed: 1 }, "seed"],
    [{ n: 3 }, "n"],
  ])("refuses %j with a 400 naming %s", (extra, name) => {
    expect(() => translate({ messages: user, ...extra })).toThrow(new RegExp(`google-ai-studio: ${name}`));
  });
});

describe("toGeminiSchema", () => {
  it.each([
    [{ type: "object", patternProperties: { x: {} } }, '"patternProperties"'],
    [{ type: "object", additionalProperties: { type: "string" } }, "map type"],
    [{ type: ["string", "number"] }, "several types"],
    [{ type: "null" }, '"null" alone'],
    [{ enum: [1, 2] }, "not strings"],
    [{ allOf: [{ type: "string" }, { minLength: 1 }] }, "allOf"],
    [{ $ref: "https://example.com/schema.json" }, "only local $defs"],
    [{ type: "array", items: [{ type: "string" }] }, "tuple"],
  ])("refuses %j naming %s", (schema, detail) => {
    expect(() => toGeminiSchema(schema, 'tools[0] "t" parameters', "google-ai-studio")).toThrow(detail);
  });

  it("turns a string const into a one-value enum and inlines a single allOf", () => {
    expect(toGeminiSchema({ allOf: [{ const: "x" }] }, "t", "google-ai-studio")).toEqual({
      enum: ["x"],
      type: "string",
    });
  });

  it("keeps the supported formats and drops the others", () => {
    expect(toGeminiSchema({ type: "integer", format: "int64" }, "t", "google-ai-studio")).toEqual({
      type: "integer",
      format: "int64",
    });
    expect(toGeminiSchema({ type: "string", format: "email" }, "t", "google-ai-studio")).toEqual({
      type: "string",
    });
  });

  it("inlines a reference used twice when it is not recursive", () => {
    const schema = {
      type: "object",
      properties: { a: { $ref: "#/definitions/p" }, b: { $ref: "#/definitions/p" } },
      definitions: { p: { type: "string" } },
    };
    expect(toGeminiSchema(schema, "t", "google-ai-studio")).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "string" } },
    });
  });
});

describe("geminiFinishReason", () => {
  it.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    ["MAX_TOKENS", false, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "stop"],
    ["OTHER", false, "stop"],
    ["SOMETHING_NEW", false, "stop"],
  ])("maps %s (function calls: %s) to %s", (reason, hasCalls, expected) => {
    expect(geminiFinishReason(reason, hasCalls)).toBe(expected);
  });
});

describe("gemini response translation", () => {
  it("reports a prompt blocked before generation as content_filter", () => {
    const completion = geminiTranslator.fromProviderResponse(
      {
        promptFeedback: { blockReason: "SAFETY" },
        usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
      },
      "gemini-2.5-flash",
      { id: "x", created: 1 },
    );
    expect(completion.choices[0]?.finish_reason).toBe("content_filter");
    expect(completion.choices[0]?.message.content).toBe("");
  });

  it("turns an error event in the stream into a GatewayError", () => {
    const stream = geminiTranslator.createStreamTranslator("m", "id", 1);
    expect(() => stream.push({ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } })).toThrow(
      expect.objectContaining({ status: 503, message: "overloaded" }),
    );
  });

  it("reports the last usageMetadata of the stream, even one that arrives after the finishReason", () => {
    const stream = geminiTranslator.createStreamTranslator("m", "id", 1);
    const chunks = [
      ...stream.push({
        candidates: [{ content: { parts: [{ text: "a" }] }, finishReason: "STOP" }],
        usageMetadata: { promptTokenCount: 2 },
      }),
      ...stream.push({ usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 7, totalTokenCount: 9 } }),
      ...stream.finish(),
    ];
    expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason === "stop")).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 2,
      completion_tokens: 7,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});
