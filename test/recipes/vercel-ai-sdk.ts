import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, Output, streamText, tool } from "ai";
import { z } from "zod";
import {
  compatBaseUrl,
  type GatewaySettings,
  gatewayHeaders,
  providerBaseUrl,
  restBaseUrl,
} from "./gateway-settings.ts";

// Provider-native: @ai-sdk/openai and @ai-sdk/anthropic, pointed at the provider's path on the gateway.
// The provider key goes where the provider wants it; the gateway token in cf-aig-authorization.
export const openaiThroughGateway = (gateway: GatewaySettings, openaiKey: string) =>
  createOpenAI({
    baseURL: providerBaseUrl(gateway, "openai"),
    apiKey: openaiKey,
    headers: gatewayHeaders(gateway),
  });

export const anthropicThroughGateway = (gateway: GatewaySettings, anthropicKey: string) =>
  createAnthropic({
    baseURL: `${providerBaseUrl(gateway, "anthropic")}/v1`,
    apiKey: anthropicKey,
    headers: gatewayHeaders(gateway),
  });

// Compat: one OpenAI-compatible provider for every model, named `{provider}/{model}`. The key in
// apiKey is the named provider's key (or leave it out to use the key stored on the gateway).
export const compatThroughGateway = (gateway: GatewaySettings, providerKey: string) =>
  createOpenAICompatible({
    name: "gateway",
    baseURL: compatBaseUrl(gateway),
    apiKey: providerKey,
    headers: gatewayHeaders(gateway),
    includeUsage: true,
    supportsStructuredOutputs: true,
  });

// REST: the same, authenticated by an API token; provider keys are the ones stored on the gateway.
export const restThroughGateway = (gateway: GatewaySettings, apiToken: string) =>
  createOpenAICompatible({
    name: "gateway-rest",
    baseURL: restBaseUrl(gateway),
    apiKey: apiToken,
    headers: { "cf-aig-gateway-id": gateway.gatewayId, ...gateway.headers },
  });

/** Streams an answer, piece by piece as the provider sends it. */
export async function streamAnswer(gateway: GatewaySettings, openaiKey: string): Promise<string[]> {
  const result = streamText({
    model: openaiThroughGateway(gateway, openaiKey)("gpt-4o-mini"),
    prompt: "Say hello",
  });
  const pieces: string[] = [];
  for await (const piece of result.textStream) pieces.push(piece);
  return pieces;
}

/** Streams a Claude answer through Anthropic's own API. */
export async function streamClaude(gateway: GatewaySettings, anthropicKey: string): Promise<string> {
  const result = streamText({
    model: anthropicThroughGateway(gateway, anthropicKey)("claude-sonnet-4-5"),
    prompt: "Say hello",
  });
  let text = "";
  for await (const piece of result.textStream) text += piece;
  return text;
}

const getWeather = tool({
  description: "The weather in a city",
  inputSchema: z.object({ city: z.string() }),
});

/** Tools, with any provider's model on the compat surface (here Claude, in the OpenAI format). */
export async function askForToolCalls(gateway: GatewaySettings, anthropicKey: string) {
  const { toolCalls } = await generateText({
    model: compatThroughGateway(gateway, anthropicKey)("anthropic/claude-sonnet-4-5"),
    tools: { get_weather: getWeather },
    prompt: "What is the weather in Paris and in Tokyo?",
  });
  return toolCalls.map((call) => ({ tool: call.toolName, input: call.input }));
}

/** Structured output: a JSON schema the answer must follow, checked by the SDK. */
export async function forecastAsObject(gateway: GatewaySettings, openaiKey: string) {
  const { output } = await generateText({
    model: compatThroughGateway(gateway, openaiKey)("openai/gpt-4o-mini"),
    output: Output.object({
      schema: z.object({ city: z.string(), forecast: z.string(), temperature_c: z.number() }),
    }),
    prompt: "Tomorrow's forecast for Paris",
  });
  return output;
}

/** The REST surface with a stored key: the caller holds an API token, never a provider key. */
export async function answerWithStoredKey(gateway: GatewaySettings, apiToken: string): Promise<string> {
  const { text } = await generateText({
    model: restThroughGateway(gateway, apiToken)("openai/gpt-4o-mini"),
    prompt: "Say hello",
  });
  return text;
}
