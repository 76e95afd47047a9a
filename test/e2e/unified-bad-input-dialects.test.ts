import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

/**
 * Bad input on every unified surface, beyond unified-bad-input.test.ts: tool schemas a provider refuses,
 * parameters a provider cannot honour, tool results that answer nothing, bodies that are not JSON - on the
 * compat surface, the REST chat completions surface (OpenAI's error shape) and the REST messages surface
 * (Anthropic's). Each is a 400 that names the problem, in the caller's dialect, logged as a failed request,
 * and nothing reaches the provider.
 */

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

const hi = [{ role: "user", content: "Hi" }];

function tool(parameters: Record<string, unknown>, name = "lookup") {
  return { type: "function", function: { name, parameters } };
}

type Surface = "compat" | "rest-chat" | "rest-messages";

function target(surface: Surface): { url: string; headers: Record<string, string> } {
  const rest = t.restUrl;
  switch (surface) {
    case "compat":
      return {
        url: `${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/chat/completions`,
        headers: { ...t.gatewayAuth, authorization: "Bearer sk-provider" },
      };
    case "rest-chat":
      return { url: `${rest}/chat/completions`, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } };
    case "rest-messages":
      return {
        url: `${rest}/messages`,
        headers: { "x-api-key": TEST_ADMIN_TOKEN, "anthropic-version": "2023-06-01" },
      };
  }
}

/** Posts `body` (an object, or raw text), expects a logged 400 with no upstream call; returns the error. */
async function refused(surface: Surface, body: unknown): Promise<Record<string, unknown>> {
  const { url, headers } = target(surface);
  const before = t.mock.requests.length;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  expect(response.status).toBe(400);
  expect(t.mock.requests.length, "nothing sent upstream").toBe(before);
  const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
  expect(log).toMatchObject({ status_code: 400, success: false });
  return json;
}

function openAIMessage(json: Record<string, unknown>): string {
  const error = json.error as { message: string; type: string };
  expect(error.type).toBe("invalid_request_error");
  return error.message;
}

function anthropicMessage(json: Record<string, unknown>): string {
  expect(json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  return (json.error as { message: string }).message;
}

describe("OpenAI-format surfaces: a 400 in OpenAI's shape naming the problem, logged", () => {
  it.each<[string, Surface, unknown, RegExp]>([
    [
      "a tool schema Gemini refuses (patternProperties), naming keyword and tool",
      "compat",
      {
        model: "google-ai-studio/gemini-2.5-flash",
        messages: hi,
        tools: [tool({ type: "object", patternProperties: { "^x": { type: "string" } } }, "find_rows")],
      },
      /patternProperties[\s\S]*find_rows|find_rows[\s\S]*patternProperties/,
    ],
    [
      "a recursive $ref Gemini cannot inline",
      "compat",
      {
        model: "google-ai-studio/gemini-2.5-flash",
        messages: hi,
        tools: [
          tool({
            type: "object",
            properties: { node: { $ref: "#/$defs/node" } },
            $defs: { node: { type: "object", properties: { next: { $ref: "#/$defs/node" } } } },
          }),
        ],
      },
      /\$ref|recursive/i,
    ],
    [
      "parallel_tool_calls: false, which Bedrock cannot honour",
      "compat",
      {
        model: "aws-bedrock/amazon.nova-lite-v1:0",
        messages: hi,
        tools: [tool({ type: "object" })],
        parallel_tool_calls: false,
      },
      /parallel_tool_calls/,
    ],
    [
      "a response_format type no provider knows",
      "compat",
      { model: "anthropic/claude-sonnet-4-5", messages: hi, response_format: { type: "xml" } },
      /response_format/,
    ],
    [
      "a remote image URL for Bedrock (the gateway does not fetch)",
      "compat",
      {
        model: "aws-bedrock/amazon.nova-lite-v1:0",
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }],
          },
        ],
      },
      /image_url/,
    ],
    [
      "a tool result that answers no earlier call",
      "compat",
      {
        model: "anthropic/claude-sonnet-4-5",
        messages: [...hi, { role: "tool", tool_call_id: "call_nowhere", content: "18C" }],
      },
      /messages\[1\]|call_nowhere/,
    ],
    ["a body that is not JSON", "compat", "{not json", /JSON/i],
    [
      "an unknown provider prefix on the REST surface",
      "rest-chat",
      { model: "nope-ai/some-model", messages: hi },
      /Unknown provider "nope-ai"/,
    ],
    [
      "a model without a provider on the REST surface",
      "rest-chat",
      { model: "gpt-4o-mini", messages: hi },
      /names no provider/,
    ],
    [
      "a tool schema Gemini refuses on the REST surface",
      "rest-chat",
      {
        model: "google-ai-studio/gemini-2.5-flash",
        messages: hi,
        tools: [tool({ type: "object", not: { required: ["a"] } })],
      },
      /\bnot\b/,
    ],
  ])("%s", async (_name, surface, body, message) => {
    expect(openAIMessage(await refused(surface, body))).toMatch(message);
  });
});

describe("the Anthropic-format surface: a 400 in Anthropic's shape naming the problem, logged", () => {
  const ask = { max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };

  it.each<[string, unknown, RegExp]>([
    ["a model without a provider", { ...ask, model: "claude-sonnet-4-5" }, /names no provider/],
    ["an unknown provider prefix", { ...ask, model: "acme/claude" }, /Unknown provider "acme"/],
    [
      "a parameter with no counterpart for other models (top_k)",
      { ...ask, model: "openai/gpt-4o-mini", top_k: 5 },
      /top_k/,
    ],
    [
      "an input_schema Gemini refuses",
      {
        ...ask,
        model: "google-ai-studio/gemini-2.5-flash",
        tools: [{ name: "lookup", input_schema: { type: "object", not: { required: ["a"] } } }],
      },
      /\bnot\b[\s\S]*lookup|lookup[\s\S]*\bnot\b/,
    ],
    [
      "disable_parallel_tool_use, which Bedrock cannot honour",
      {
        ...ask,
        model: "aws-bedrock/amazon.nova-lite-v1:0",
        tools: [{ name: "lookup", input_schema: { type: "object" } }],
        tool_choice: { type: "auto", disable_parallel_tool_use: true },
      },
      /parallel/,
    ],
    [
      "malformed messages (a system role inside messages)",
      { ...ask, model: "openai/gpt-4o-mini", messages: [{ role: "system", content: "x" }] },
      /messages/,
    ],
    ["a missing max_tokens", { model: "openai/gpt-4o-mini", messages: ask.messages }, /max_tokens/],
    ["a body that is not JSON", "[1,", /JSON/i],
  ])("%s", async (_name, body, message) => {
    expect(anthropicMessage(await refused("rest-messages", body))).toMatch(message);
  });
});
