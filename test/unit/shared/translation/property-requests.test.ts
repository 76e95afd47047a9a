import { describe, expect, it } from "vitest";
import { anthropicTranslator } from "../../../../shared/translation/anthropic/index.ts";
import { bedrockConverseTranslator } from "../../../../shared/translation/bedrock-converse/index.ts";
import { geminiTranslator } from "../../../../shared/translation/gemini/index.ts";
import {
  type OpenAIChatRequest,
  parseChatRequest,
} from "../../../../shared/translation/openai/chat-schema.ts";
import type { ProviderTranslator } from "../../../../shared/translation/types.ts";
import { RUNS, TOOL_NAMES } from "./property-settings.ts";
import { type Random, seededRandom } from "./seeded-random.ts";

interface Call {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** A valid canonical conversation: every tool call is answered, assistant turns have text or calls. */
function randomRequest(random: Random, seed: number): OpenAIChatRequest {
  const messages: unknown[] = [];
  if (random.chance(0.6))
    messages.push({ role: random.pick(["system", "developer"]), content: random.word() });
  const turns = random.integer(1, 5);
  let callCount = 0;
  for (let turn = 0; turn < turns; turn += 1) {
    if (random.chance(0.5)) {
      messages.push({ role: "user", content: random.word() });
    } else {
      const parts: unknown[] = [{ type: "text", text: random.word() }];
      if (random.chance(0.4))
        parts.push({ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } });
      messages.push({ role: "user", content: parts });
    }
    if (turn === turns - 1 && random.chance(0.5)) break;
    const calls: Call[] = Array.from({ length: random.chance(0.5) ? random.integer(1, 3) : 0 }, () => ({
      id: `call_${seed}_${callCount++}`,
      name: random.pick(TOOL_NAMES),
      args: { q: random.word(), n: random.integer(0, 9) },
    }));
    const text = calls.length === 0 || random.chance(0.5) ? random.word() : "";
    messages.push({
      role: "assistant",
      content: text === "" ? null : text,
      ...(calls.length > 0
        ? {
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: JSON.stringify(call.args) },
            })),
          }
        : {}),
    });
    for (const call of calls) messages.push({ role: "tool", tool_call_id: call.id, content: random.word() });
  }
  const request: Record<string, unknown> = { messages };
  if (random.chance(0.6)) {
    request.tools = TOOL_NAMES.map((name) => ({
      type: "function",
      function: {
        name,
        parameters: { type: "object", properties: { q: { type: "string" }, n: { type: "integer" } } },
      },
    }));
    if (random.chance(0.7)) {
      request.tool_choice = random.pick([
        "auto",
        "required",
        { type: "function", function: { name: random.pick(TOOL_NAMES) } },
      ]);
    }
  }
  if (random.chance(0.5)) request.temperature = Math.round(random.next() * 100) / 100;
  if (random.chance(0.5)) request.top_p = Math.round(random.next() * 100) / 100;
  if (random.chance(0.5))
    request[random.pick(["max_tokens", "max_completion_tokens"])] = random.integer(1, 4000);
  if (random.chance(0.3)) request.stop = random.chance(0.5) ? "END" : ["END", "STOP"];
  if (random.chance(0.5)) request.stream = true;
  return parseChatRequest(request);
}

/** The texts of a canonical request in the order a provider receives them: system first. */
function canonicalTexts(request: OpenAIChatRequest): string[] {
  const texts = (message: OpenAIChatRequest["messages"][number]): string[] => {
    const content = message.content;
    if (content === undefined || content === null) return [];
    if (typeof content === "string") return content === "" ? [] : [content];
    return content.flatMap((part) => (part.type === "text" ? [part.text] : []));
  };
  const system = request.messages.filter(
    (message) => message.role === "system" || message.role === "developer",
  );
  const rest = request.messages.filter(
    (message) => message.role !== "system" && message.role !== "developer" && message.role !== "tool",
  );
  return [...system.flatMap(texts), ...rest.flatMap(texts)];
}

function canonicalCalls(request: OpenAIChatRequest): Call[] {
  return request.messages.flatMap((message) =>
    message.role === "assistant"
      ? (message.tool_calls ?? []).map((call) => ({
          id: call.id,
          name: call.function.name,
          args: JSON.parse(call.function.arguments),
        }))
      : [],
  );
}

/** Turns after merging adjacent ones of the same provider role (tool results are user turns). */
function expectedTurnCount(request: OpenAIChatRequest): number {
  const roles = request.messages
    .filter((message) => message.role !== "system" && message.role !== "developer")
    .map((message) => (message.role === "assistant" ? "assistant" : "user"));
  return roles.filter((role, index) => index === 0 || roles[index - 1] !== role).length;
}

type Body = Record<string, unknown> & { [key: string]: unknown };

interface Extracted {
  texts: string[];
  calls: Array<{ id?: string; name: string; args: unknown }>;
  results: string[];
  turns: number;
}

function extractAnthropic(body: Body): Extracted {
  const system =
    body.system === undefined
      ? []
      : typeof body.system === "string"
        ? [body.system]
        : (body.system as Array<{ text: string }>).map((block) => block.text);
  const messages = body.messages as Array<{ content: string | Body[] }>;
  const blocks = messages.flatMap((message) =>
    typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content,
  );
  return {
    texts: [...system, ...blocks.flatMap((block) => (block.type === "text" ? [block.text as string] : []))],
    calls: blocks.flatMap((block) =>
      block.type === "tool_use"
        ? [{ id: block.id as string, name: block.name as string, args: block.input }]
        : [],
    ),
    results: blocks.flatMap((block) => (block.type === "tool_result" ? [block.content as string] : [])),
    turns: messages.length,
  };
}

function extractBedrock(body: Body): Extracted {
  const system = ((body.system ?? []) as Array<{ text: string }>).map((block) => block.text);
  const messages = body.messages as Array<{ content: Body[] }>;
  const blocks = messages.flatMap((message) => message.content);
  return {
    texts: [...system, ...blocks.flatMap((block) => (typeof block.text === "string" ? [block.text] : []))],
    calls: blocks.flatMap((block) => {
      const toolUse = block.toolUse as Body | undefined;
      return toolUse === undefined
        ? []
        : [{ id: toolUse.toolUseId as string, name: toolUse.name as string, args: toolUse.input }];
    }),
    results: blocks.flatMap((block) => {
      const result = block.toolResult as { content: Array<{ text: string }> } | undefined;
      return result === undefined ? [] : result.content.map((entry) => entry.text);
    }),
    turns: messages.length,
  };
}

function extractGemini(body: Body): Extracted {
  const system = (((body.systemInstruction as Body | undefined)?.parts ?? []) as Array<{ text: string }>).map(
    (part) => part.text,
  );
  const contents = body.contents as Array<{ parts: Body[] }>;
  const parts = contents.flatMap((content) => content.parts);
  return {
    texts: [...system, ...parts.flatMap((part) => (typeof part.text === "string" ? [part.text] : []))],
    calls: parts.flatMap((part) => {
      const call = part.functionCall as Body | undefined;
      return call === undefined ? [] : [{ name: call.name as string, args: call.args }];
    }),
    results: parts.flatMap((part) => {
      const response = part.functionResponse as { response: { content: string } } | undefined;
      return response === undefined ? [] : [response.response.content];
    }),
    turns: contents.length,
  };
}

const REQUEST_CASES: Array<[string, ProviderTranslator, (body: Body) => Extracted, boolean]> = [
  ["anthropic", anthropicTranslator, extractAnthropic, true],
  ["aws-bedrock", bedrockConverseTranslator, extractBedrock, true],
  ["google-ai-studio", geminiTranslator, extractGemini, false],
];

describe.each(REQUEST_CASES)(
  "%s request translation over random valid requests",
  (_, translator, extract, keepsIds) => {
    it(`never throws and keeps every message, text, tool call and tool result (${RUNS} seeds)`, () => {
      for (let seed = 1; seed <= RUNS; seed += 1) {
        const request = randomRequest(seededRandom(seed), seed);
        const body = translator.toProviderRequest(request, "model-1").body as Body;
        const extracted = extract(body);
        const calls = canonicalCalls(request);
        expect(extracted.texts, `seed ${seed}`).toEqual(canonicalTexts(request));
        expect(extracted.turns, `seed ${seed}`).toBe(expectedTurnCount(request));
        expect(extracted.results, `seed ${seed}`).toEqual(
          request.messages.flatMap((message) => (message.role === "tool" ? [message.content as string] : [])),
        );
        expect(extracted.results, `seed ${seed}`).toHaveLength(calls.length);
        expect(extracted.calls, `seed ${seed}`).toEqual(
          calls.map((call) =>
            keepsIds
              ? { id: call.id, name: call.name, args: call.args }
              : { name: call.name, args: call.args },
          ),
        );
      }
    });
  },
);
