import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createParser } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../mock-upstream/server.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * Recorded-shape cases per provider (test/fixtures/providers/<provider>/cases/*.json): the caller's OpenAI
 * request on the compat surface, the exact request the gateway must send upstream (path, query, the listed
 * headers, the body field by field), and the exact answer the caller must get (whole, or every SSE chunk).
 * The mock upstream answers with the provider fixture the case names (`x-mock-fixture`) or `x-mock-status`.
 * In expected values, "<any>" matches any present value and "<absent>" a missing header; a header value
 * ending in "*" matches by prefix.
 */

interface ProviderCase {
  description: string;
  headers?: Record<string, string>;
  request: Record<string, unknown>;
  upstream: { path: string; query: string; headers: Record<string, string>; body: unknown };
  answer: { status: number; body?: unknown; chunks?: unknown[] };
}

const PROVIDERS_ROOT = join(import.meta.dirname, "../fixtures/providers");
const PROVIDERS = ["openai", "anthropic", "google-ai-studio", "aws-bedrock", "cohere", "azure-openai"];

function loadCases(provider: string): Array<[string, ProviderCase]> {
  const folder = join(PROVIDERS_ROOT, provider, "cases");
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(folder, name), "utf8")) as ProviderCase]);
}

/** `actual` with every value that `expected` leaves open ("<any>") replaced by the placeholder. */
function openPlaceholders(actual: unknown, expected: unknown): unknown {
  if (expected === "<any>" && actual !== undefined) return "<any>";
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((value, index) => openPlaceholders(value, expected[index]));
  }
  if (isObject(expected) && isObject(actual)) {
    return Object.fromEntries(
      Object.entries(actual).map(([key, value]) => [key, openPlaceholders(value, expected[key])]),
    );
  }
  return actual;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function headerView(sent: RecordedRequest, expected: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(expected).map(([name, value]) => {
      const actual = sent.headers[name];
      if (actual === undefined) return [name, "<absent>"];
      if (value === "<any>") return [name, "<any>"];
      if (value.endsWith("*") && actual.startsWith(value.slice(0, -1))) return [name, value];
      return [name, actual];
    }),
  );
}

function sseData(text: string): unknown[] {
  const chunks: unknown[] = [];
  const parser = createParser({
    onEvent: (event) => chunks.push(event.data === "[DONE]" ? "[DONE]" : JSON.parse(event.data)),
  });
  parser.feed(text);
  return chunks;
}

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

async function run(testCase: ProviderCase) {
  const before = t.mock.requests.length;
  const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/default/compat/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-provider-key",
      ...t.gatewayAuth,
      ...testCase.headers,
    },
    body: JSON.stringify(testCase.request),
  });
  const text = await response.text();
  expect(t.mock.requests.length, "exactly one upstream request").toBe(before + 1);
  const sent = t.mock.requests.at(-1) as RecordedRequest;
  const streamed = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  return { response, sent, answer: streamed ? { chunks: sseData(text) } : { body: JSON.parse(text) } };
}

describe.each(PROVIDERS)("%s: recorded-shape cases on the compat surface", (provider) => {
  it.each(loadCases(provider))("%s", async (_name, testCase) => {
    const { response, sent, answer } = await run(testCase);
    expect({ path: sent.path, query: sent.query }).toEqual({
      path: testCase.upstream.path,
      query: testCase.upstream.query,
    });
    expect(headerView(sent, testCase.upstream.headers)).toEqual(testCase.upstream.headers);
    expect(JSON.parse(sent.body)).toEqual(testCase.upstream.body);
    expect(response.status).toBe(testCase.answer.status);
    const { status: _status, ...expectedAnswer } = testCase.answer;
    expect(openPlaceholders(answer, expectedAnswer)).toEqual(expectedAnswer);
  });
});

/** The OpenAI-compatible family is configuration over one implementation: openai's cases hold for each. */
const COMPATIBLE_FAMILY: Array<[string, string]> = [
  ["groq", "llama-3.3-70b-versatile"],
  ["mistral", "mistral-large-latest"],
  ["deepseek", "deepseek-chat"],
  ["grok", "grok-4"],
  ["perplexity-ai", "sonar"],
  ["cerebras", "llama3.1-8b"],
  ["openrouter", "meta-llama/llama-3.3-70b-instruct"],
];

describe.each(COMPATIBLE_FAMILY)("%s: openai's recorded-shape cases by configuration", (provider, model) => {
  const cases = loadCases("openai").filter(([name]) =>
    ["plain.json", "tool-call-stream.json"].includes(name),
  );
  it.each(cases)("%s", async (_name, openaiCase) => {
    const testCase = structuredClone(openaiCase);
    testCase.request.model = `${provider}/${model}`;
    (testCase.upstream.body as { model: string }).model = model;
    // The mock echoes the request's model in its default answers (fixtures keep their recorded model).
    for (const answer of [testCase.answer.body, ...(testCase.answer.chunks ?? [])]) {
      if (isObject(answer) && answer.model === "gpt-4o-mini") answer.model = model;
    }
    const { response, sent, answer } = await run(testCase);
    expect(sent.path).toBe("/v1/chat/completions");
    expect(headerView(sent, testCase.upstream.headers)).toEqual(testCase.upstream.headers);
    expect(JSON.parse(sent.body)).toEqual(testCase.upstream.body);
    expect(response.status).toBe(testCase.answer.status);
    const { status: _status, ...expectedAnswer } = testCase.answer;
    expect(openPlaceholders(answer, expectedAnswer)).toEqual(expectedAnswer);
  });
});

describe("the log of a translated tool-call answer", () => {
  it("keeps provider, model and the provider's own token counts, cache reads and writes apart", async () => {
    const [, testCase] = loadCases("anthropic").find(([name]) => name === "tool-call.json") ?? [];
    if (!testCase) throw new Error("anthropic/cases/tool-call.json is missing");
    const { response } = await run(testCase);
    const log = await t.waitForLog(response.headers.get("cf-aig-log-id") ?? "");
    expect(log).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      status_code: 200,
      tokens_in: 70,
      tokens_out: 30,
      cache_read_tokens: 20,
      cache_write_tokens: 10,
    });
  });
});
