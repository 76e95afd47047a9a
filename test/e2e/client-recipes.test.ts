import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT, MOCK_TEXT_PIECES } from "../mock-upstream/server.ts";
import { fencedBlocks } from "../recipes/doc-includes.ts";
import type { GatewaySettings } from "../recipes/gateway-settings.ts";
import * as langchain from "../recipes/langchain.ts";
import * as vercel from "../recipes/vercel-ai-sdk.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

// The recipes of docs/clients.md (test/recipes/, included there verbatim: test/unit/docs/client-recipes.test.ts),
// run with the real client packages against the local runtime and the mock upstream.

let t: TestGateway;
let settings: GatewaySettings;
let apiToken: string;
const withMockFixture = (fixture: string): GatewaySettings => ({
  ...settings,
  headers: { "x-mock-fixture": fixture },
});
const parallelWeatherCalls = [
  { tool: "get_weather", input: { city: "Paris" } },
  { tool: "get_weather", input: { city: "Tokyo" } },
];
const parisForecast = { city: "Paris", forecast: "sunny", temperature_c: 18 };

beforeAll(async () => {
  t = await startTestGateway();
  settings = {
    url: t.gateway.url,
    accountId: t.gateway.accountId,
    gatewayId: "default",
    token: TEST_ADMIN_TOKEN,
  };
  // The REST recipes use the gateway's stored key and an API token with the run scope.
  await t.storeProviderKey("openai", "sk-stored-openai");
  apiToken = await t.createRunToken("recipes");
});

afterAll(async () => {
  await t.stop();
});

describe("the Vercel AI SDK recipes", () => {
  it("stream an OpenAI answer piece by piece through the provider-native surface (Responses API)", async () => {
    const { result, sent } = await t.upstreamOf(() => vercel.streamAnswer(settings, "sk-openai"));
    expect(result).toEqual([...MOCK_TEXT_PIECES]);
    expect(sent.path).toBe("/v1/responses");
    expect(sent.headers.authorization).toBe("Bearer sk-openai");
    expect(sent.headers["cf-aig-authorization"]).toBeUndefined();
  });

  it("stream a Claude answer through Anthropic's own API", async () => {
    const { result, sent } = await t.upstreamOf(() => vercel.streamClaude(settings, "sk-ant-key"));
    expect(result).toBe(MOCK_TEXT);
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-key");
  });

  it("get Claude's tool calls in the OpenAI format on the compat surface", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      vercel.askForToolCalls(withMockFixture("tool-call"), "sk-ant-key"),
    );
    expect(result).toEqual(parallelWeatherCalls);
    expect(sent.path).toBe("/v1/messages");
    expect(JSON.parse(sent.body).tools).toEqual([
      expect.objectContaining({
        name: "get_weather",
        input_schema: expect.objectContaining({ type: "object" }),
      }),
    ]);
  });

  it("get structured output checked against its schema", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      vercel.forecastAsObject(withMockFixture("structured-output"), "sk-openai"),
    );
    expect(result).toEqual(parisForecast);
    expect(JSON.parse(sent.body).response_format).toMatchObject({ type: "json_schema" });
  });

  it("answer on the REST surface with an API token and the gateway's stored key", async () => {
    const { result, sent } = await t.upstreamOf(() => vercel.answerWithStoredKey(settings, apiToken));
    expect(result).toBe(MOCK_TEXT);
    expect(sent.headers.authorization).toBe("Bearer sk-stored-openai");
  });
});

describe("the LangChain recipes", () => {
  it("stream Claude chunk by chunk through ChatOpenAI on the compat surface", async () => {
    const { result, sent } = await t.upstreamOf(() => langchain.streamThroughCompat(settings, "sk-ant-key"));
    expect(result).toEqual([...MOCK_TEXT_PIECES]);
    expect(sent.path).toBe("/v1/messages");
    expect(JSON.parse(sent.body)).toMatchObject({ model: "claude-sonnet-4-5", stream: true });
  });

  it("stream through ChatAnthropic on Anthropic's own API", async () => {
    const { result, sent } = await t.upstreamOf(() => langchain.streamClaude(settings, "sk-ant-key"));
    expect(result).toBe(MOCK_TEXT);
    expect(sent.headers["x-api-key"]).toBe("sk-ant-key");
  });

  it("get ChatAnthropic's tool calls", async () => {
    const { result } = await t.upstreamOf(() =>
      langchain.askClaudeForToolCalls(withMockFixture("tool-call"), "sk-ant-key"),
    );
    expect(result).toEqual(parallelWeatherCalls);
  });

  it("get structured output from ChatOpenAI with a JSON schema", async () => {
    const { result, sent } = await t.upstreamOf(() =>
      langchain.forecastAsObject(withMockFixture("structured-output"), "sk-openai"),
    );
    expect(result).toEqual(parisForecast);
    expect(JSON.parse(sent.body).response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "forecast" },
    });
  });
});

describe("the curl recipes", () => {
  const commands = fencedBlocks(
    readFileSync(new URL("../../docs/clients.md", import.meta.url), "utf8"),
    "sh",
  );

  it("are in the doc", () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });

  it.each(commands.map((command, index) => [index + 1, command]))(
    "run as written (command %i)",
    async (_, command) => {
      const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", command], {
        env: {
          PATH: process.env.PATH,
          GATEWAY_URL: t.gateway.url,
          ACCOUNT_ID: t.gateway.accountId,
          CF_AIG_TOKEN: TEST_ADMIN_TOKEN,
          OPENAI_API_KEY: "sk-openai",
          ANTHROPIC_API_KEY: "sk-ant-key",
          API_TOKEN: apiToken,
        },
      });
      expect(stdout).toMatch(/Hello|from|mock/);
    },
  );
});
