import { describe, expect, it } from "vitest";
import { findProvider, providerSlugs } from "../../../../shared/providers/registry.ts";
import { buildUpstreamUrl } from "../../../../shared/providers/upstream-url.ts";

/**
 * Reference section 2 (provider-native surface): each slug, a path from the table's example column, and
 * the provider URL that path replaces.
 */
const referenceTable = [
  { slug: "openai", path: "chat/completions", upstream: "https://api.openai.com/v1/chat/completions" },
  { slug: "anthropic", path: "v1/messages", upstream: "https://api.anthropic.com/v1/messages" },
  {
    slug: "google-ai-studio",
    path: "v1/models/gemini-2.5-flash:generateContent",
    upstream: "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-flash:generateContent",
  },
  {
    slug: "google-vertex-ai",
    path: "v1/projects/p/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent",
    upstream:
      "https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/google/models/gemini-2.5-pro:generateContent",
  },
  {
    slug: "aws-bedrock",
    path: "bedrock-runtime/us-east-1/model/amazon.nova-lite-v1:0/invoke",
    upstream: "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1:0/invoke",
  },
  {
    slug: "azure-openai",
    path: "res/dep/chat/completions",
    upstream: "https://res.openai.azure.com/openai/deployments/dep/chat/completions",
  },
  { slug: "groq", path: "chat/completions", upstream: "https://api.groq.com/openai/v1/chat/completions" },
  { slug: "mistral", path: "v1/chat/completions", upstream: "https://api.mistral.ai/v1/chat/completions" },
  { slug: "cohere", path: "v1/chat", upstream: "https://api.cohere.ai/v1/chat" },
  { slug: "deepseek", path: "chat/completions", upstream: "https://api.deepseek.com/chat/completions" },
  { slug: "grok", path: "v1/chat/completions", upstream: "https://api.x.ai/v1/chat/completions" },
  {
    slug: "perplexity-ai",
    path: "chat/completions",
    upstream: "https://api.perplexity.ai/chat/completions",
  },
  { slug: "openrouter", path: "chat/completions", upstream: "https://openrouter.ai/api/v1/chat/completions" },
  {
    slug: "huggingface",
    path: "org/model",
    upstream: "https://api-inference.huggingface.co/models/org/model",
  },
  { slug: "replicate", path: "predictions", upstream: "https://api.replicate.com/v1/predictions" },
  { slug: "cerebras", path: "chat/completions", upstream: "https://api.cerebras.ai/v1/chat/completions" },
];

describe("provider registry", () => {
  it.each(referenceTable)(
    "registers $slug and maps /$slug/$path to $upstream",
    ({ slug, path, upstream }) => {
      const provider = findProvider(slug);

      expect(provider?.slug).toBe(slug);
      expect(provider && buildUpstreamUrl(provider, path, "", undefined)).toBe(upstream);
    },
  );

  it("lists every slug of the reference table", () => {
    const slugs = providerSlugs();

    expect(slugs).toEqual(expect.arrayContaining(referenceTable.map((row) => row.slug)));
  });

  it("uses an https base URL for every provider", () => {
    const insecure = providerSlugs().filter((slug) => !findProvider(slug)?.baseUrl.startsWith("https://"));

    expect(insecure).toEqual([]);
  });

  it("registers each slug once", () => {
    const slugs = providerSlugs();

    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it("returns undefined for an unknown slug", () => {
    expect(findProvider("not-a-provider")).toBeUndefined();
  });

  it("does not match slugs case-insensitively", () => {
    expect(findProvider("OpenAI")).toBeUndefined();
  });
});
