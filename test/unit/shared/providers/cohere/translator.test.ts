import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../../shared/core/gateway-error.ts";
import { cohereFinishReason } from "../../../../../shared/providers/cohere/finish-reason.ts";
import { cohereTranslator } from "../../../../../shared/providers/cohere/translator.ts";
import { translatorFor } from "../../../../../shared/providers/registry.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";
import { describeFixtures } from "../../translation/fixture-cases.ts";

describeFixtures("cohere", cohereTranslator);

const usage = { billed_units: { input_tokens: 3, output_tokens: 1 } };

describe("cohere translator", () => {
  it("is the translator for the cohere slug", () => {
    expect(translatorFor("cohere")).toBe(cohereTranslator);
  });

  it.each([
    ["COMPLETE", "stop"],
    ["STOP_SEQUENCE", "stop"],
    ["MAX_TOKENS", "length"],
    ["TOOL_CALL", "tool_calls"],
    ["SOMETHING_NEW", "stop"],
  ])("maps finish_reason %s to %s", (reason, expected) => {
    expect(cohereFinishReason(reason)).toBe(expected);
  });

  it.each([
    ["ERROR", 502],
    ["TIMEOUT", 504],
  ])("reports a plain answer that ended with %s as a provider error (%i)", (reason, status) => {
    const body = { id: "x", finish_reason: reason, message: { role: "assistant", content: [] }, usage };
    const attempt = () => cohereTranslator.fromProviderResponse(body, "command-r");
    expect(attempt).toThrow(GatewayError);
    expect(attempt).toThrow(expect.objectContaining({ status, message: expect.stringContaining(reason) }));
  });

  it("raises a stream's message-end with ERROR after the text already sent, with Cohere's error text", () => {
    const stream = cohereTranslator.createStreamTranslator("command-r", "chatcmpl-e", 1);
    const sent = [
      ...stream.push({ type: "message-start", id: "m", delta: { message: { role: "assistant" } } }),
      ...stream.push({ type: "content-delta", index: 0, delta: { message: { content: { text: "Hel" } } } }),
    ];
    expect(sent.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(["", "Hel"]);
    expect(() =>
      stream.push({ type: "message-end", delta: { finish_reason: "ERROR", error: "model overloaded" } }),
    ).toThrow(expect.objectContaining({ status: 502, message: expect.stringContaining("model overloaded") }));
  });

  it("ignores a tool-call delta for a call that never started", () => {
    const stream = cohereTranslator.createStreamTranslator("command-r", "chatcmpl-t", 1);
    const orphan = {
      type: "tool-call-delta",
      index: 3,
      delta: { message: { tool_calls: { function: { arguments: "{}" } } } },
    };
    expect(stream.push(orphan)).toEqual([]);
  });

  it("refuses a body that is not a chat response with a 502", () => {
    expect(() => cohereTranslator.fromProviderResponse({ message: "nope" }, "command-r")).toThrow(
      expect.objectContaining({ status: 502 }),
    );
  });

  it("refuses a conversation with only system messages", () => {
    const request = parseChatRequest({ messages: [{ role: "system", content: "Be brief." }] });
    expect(() => cohereTranslator.toProviderRequest(request, "command-r")).toThrow(
      "at least one user or assistant message",
    );
  });

  it("refuses a tool result that answers no earlier call", () => {
    const request = parseChatRequest({
      messages: [
        { role: "user", content: "Hi" },
        { role: "tool", tool_call_id: "call_missing", content: "42" },
      ],
    });
    expect(() => cohereTranslator.toProviderRequest(request, "command-r")).toThrow(
      '"call_missing" answers no earlier',
    );
  });
});
