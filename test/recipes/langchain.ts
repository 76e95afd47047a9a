import { ChatAnthropic } from "@langchain/anthropic";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { compatBaseUrl, type GatewaySettings, gatewayHeaders, providerBaseUrl } from "./gateway-settings.ts";

// ChatOpenAI on the compat surface: any provider's model, named `{provider}/{model}`; apiKey is that
// provider's key (or a placeholder when the gateway uses its stored key).
export const compatChat = (gateway: GatewaySettings, providerKey: string, model: string) =>
  new ChatOpenAI({
    model,
    apiKey: providerKey,
    configuration: { baseURL: compatBaseUrl(gateway), defaultHeaders: gatewayHeaders(gateway) },
  });

// ChatAnthropic on the provider-native surface: Anthropic's own API through the gateway.
export const claudeChat = (gateway: GatewaySettings, anthropicKey: string) =>
  new ChatAnthropic({
    model: "claude-sonnet-4-5",
    apiKey: anthropicKey,
    anthropicApiUrl: providerBaseUrl(gateway, "anthropic"),
    clientOptions: { defaultHeaders: gatewayHeaders(gateway) },
  });

/** Streams a Claude answer through the compat surface, chunk by chunk. */
export async function streamThroughCompat(gateway: GatewaySettings, anthropicKey: string): Promise<string[]> {
  const stream = await compatChat(gateway, anthropicKey, "anthropic/claude-sonnet-4-5").stream("Say hello");
  const pieces: string[] = [];
  for await (const chunk of stream) if (chunk.text !== "") pieces.push(chunk.text);
  return pieces;
}

/** Streams through Anthropic's own API. */
export async function streamClaude(gateway: GatewaySettings, anthropicKey: string): Promise<string> {
  let text = "";
  for await (const chunk of await claudeChat(gateway, anthropicKey).stream("Say hello")) text += chunk.text;
  return text;
}

const getWeather = {
  name: "get_weather",
  description: "The weather in a city",
  schema: z.object({ city: z.string() }),
};

/** Tools: the model's tool calls, parsed by LangChain, whichever surface carried them. */
export async function askClaudeForToolCalls(gateway: GatewaySettings, anthropicKey: string) {
  const answer = await claudeChat(gateway, anthropicKey)
    .bindTools([getWeather])
    .invoke("What is the weather in Paris and in Tokyo?");
  return (answer.tool_calls ?? []).map((call) => ({ tool: call.name, input: call.args }));
}

/** Structured output with a JSON schema (OpenAI's response_format json_schema), parsed and checked. */
export async function forecastAsObject(gateway: GatewaySettings, openaiKey: string) {
  const forecast = z.object({ city: z.string(), forecast: z.string(), temperature_c: z.number() });
  return compatChat(gateway, openaiKey, "openai/gpt-4o-mini")
    .withStructuredOutput(forecast, { name: "forecast", method: "jsonSchema" })
    .invoke("Tomorrow's forecast for Paris");
}
