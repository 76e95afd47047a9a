import { describe, expect, it } from "vitest";
import { parseAzureModel } from "../../../../../shared/providers/azure-openai/model-name.ts";
import {
  AZURE_DEFAULT_API_VERSION,
  azureOpenAITranslator,
} from "../../../../../shared/providers/azure-openai/translator.ts";
import { translatorFor } from "../../../../../shared/providers/registry.ts";
import { parseChatRequest } from "../../../../../shared/translation/openai/chat-schema.ts";

const request = parseChatRequest({
  messages: [{ role: "user", content: "Hi" }],
  stream: true,
  temperature: 0.2,
});

describe("azure-openai translator", () => {
  it("sends the provider-native rest path with the default api-version and no model in the body", () => {
    const translated = translatorFor("azure-openai")?.toProviderRequest(request, "my-resource/gpt-4o-mini");
    expect(translated?.path).toBe(
      `my-resource/gpt-4o-mini/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
    );
    expect(translated?.body).toEqual({
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
      temperature: 0.2,
      stream_options: { include_usage: true },
    });
  });

  it("uses the api-version the caller chose", () => {
    const translated = translatorFor("azure-openai", { apiVersion: "2025-04-01-preview" })?.toProviderRequest(
      request,
      "res/dep",
    );
    expect(translated?.path).toBe("res/dep/chat/completions?api-version=2025-04-01-preview");
  });

  it.each(["2024-10-21&x=1", "latest/../x", ""])("refuses the api-version %j", (value) => {
    expect(() => azureOpenAITranslator(value)).toThrow("Invalid api-version");
  });

  it("splits the model into resource and deployment", () => {
    expect(parseAzureModel("contoso-eu/gpt-4o.2024_08")).toEqual({
      resource: "contoso-eu",
      deployment: "gpt-4o.2024_08",
    });
  });

  it.each([
    ["gpt-4o", 'use "azure-openai/{resource}/{deployment}"'],
    ["res/dep/extra", 'use "azure-openai/{resource}/{deployment}"'],
    ["evil.com#/dep", "Invalid Azure resource name"],
    ["Upper/dep", "Invalid Azure resource name"],
    ["attacker.net:443/dep", "Invalid Azure resource name"],
    ["res/..", "Invalid Azure deployment name"],
    ["res/dep?x=1", "Invalid Azure deployment name"],
    ["res/dep%2F..", "Invalid Azure deployment name"],
  ])("refuses the model %j before anything is sent", (model, message) => {
    expect(() => translatorFor("azure-openai")?.toProviderRequest(request, model)).toThrow(message);
  });
});
