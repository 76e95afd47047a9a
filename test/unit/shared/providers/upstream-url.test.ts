import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { findProvider, type ProviderDefinition } from "../../../../shared/providers/registry.ts";
import { buildUpstreamUrl } from "../../../../shared/providers/upstream-url.ts";

function provider(slug: string): ProviderDefinition {
  const found = findProvider(slug);
  if (!found) throw new Error(`provider ${slug} is not registered`);
  return found;
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

function expectBadRequest(action: () => unknown): GatewayError {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).status).toBe(400);
  return error as GatewayError;
}

describe("buildUpstreamUrl", () => {
  describe("fixed-host providers", () => {
    it("appends the rest of the path to the provider's base URL", () => {
      const url = buildUpstreamUrl(provider("openai"), "chat/completions", "", undefined);

      expect(url).toBe("https://api.openai.com/v1/chat/completions");
    });

    it("keeps the query string unchanged", () => {
      const url = buildUpstreamUrl(provider("anthropic"), "v1/models", "?limit=5&after_id=a%20b", undefined);

      expect(url).toBe("https://api.anthropic.com/v1/models?limit=5&after_id=a%20b");
    });

    it("keeps percent-encoding in the rest of the path as sent", () => {
      const url = buildUpstreamUrl(
        provider("google-ai-studio"),
        "v1beta/models/gemini%2D2.5-flash%3AgenerateContent",
        "",
        undefined,
      );

      expect(url).toBe(
        "https://generativelanguage.googleapis.com/v1beta/models/gemini%2D2.5-flash%3AgenerateContent",
      );
    });

    it("sends to the override instead of the base URL when one is configured", () => {
      const url = buildUpstreamUrl(
        provider("openai"),
        "chat/completions",
        "?a=1",
        "http://127.0.0.1:9999/openai",
      );

      expect(url).toBe("http://127.0.0.1:9999/openai/chat/completions?a=1");
    });

    it("drops OpenRouter's redundant leading v1 segment", () => {
      const url = buildUpstreamUrl(provider("openrouter"), "v1/chat/completions", "", undefined);

      expect(url).toBe("https://openrouter.ai/api/v1/chat/completions");
    });

    it("maps OpenRouter paths without the v1 segment to the same URL", () => {
      const url = buildUpstreamUrl(provider("openrouter"), "chat/completions", "", undefined);

      expect(url).toBe("https://openrouter.ai/api/v1/chat/completions");
    });

    it("keeps a v1 segment for providers that do not declare it redundant", () => {
      const url = buildUpstreamUrl(provider("mistral"), "v1/chat/completions", "", undefined);

      expect(url).toBe("https://api.mistral.ai/v1/chat/completions");
    });
  });

  describe("azure-openai", () => {
    it("maps {resource}/{deployment}/... to the resource host and its deployments path", () => {
      const url = buildUpstreamUrl(
        provider("azure-openai"),
        "my-resource/gpt-4o-prod/chat/completions",
        "?api-version=2024-10-21",
        undefined,
      );

      expect(url).toBe(
        "https://my-resource.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
      );
    });

    it("replaces the templated resource host with the override", () => {
      const url = buildUpstreamUrl(
        provider("azure-openai"),
        "my-resource/gpt-4o-prod/chat/completions",
        "",
        "http://127.0.0.1:9999/azure",
      );

      expect(url).toBe("http://127.0.0.1:9999/azure/openai/deployments/gpt-4o-prod/chat/completions");
    });

    it.each([
      ["a dot", "evil.example.com"],
      ["uppercase letters", "MyResource"],
      ["a leading hyphen", "-resource"],
      ["a percent-encoded character", "res%2Eevil"],
      ["nothing", ""],
    ])("refuses a resource name with %s as a 400", (_, resource) => {
      const error = expectBadRequest(() =>
        buildUpstreamUrl(provider("azure-openai"), `${resource}/deployment/chat/completions`, "", undefined),
      );

      expect(error.message).toContain("Azure resource name");
    });

    it("refuses a path without a deployment as a 400", () => {
      const error = expectBadRequest(() =>
        buildUpstreamUrl(provider("azure-openai"), "my-resource", "", undefined),
      );

      expect(error.message).toContain("Missing Azure deployment");
    });
  });

  describe("aws-bedrock", () => {
    it("maps bedrock-runtime/{region}/... to the regional runtime host", () => {
      const url = buildUpstreamUrl(
        provider("aws-bedrock"),
        "bedrock-runtime/eu-west-1/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
        "",
        undefined,
      );

      expect(url).toBe(
        "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
      );
    });

    it("maps bedrock-mantle/{region}/... to the api.aws host", () => {
      const url = buildUpstreamUrl(
        provider("aws-bedrock"),
        "bedrock-mantle/us-east-1/anthropic/v1/messages",
        "",
        undefined,
      );

      expect(url).toBe("https://bedrock-mantle.us-east-1.api.aws/anthropic/v1/messages");
    });

    it("replaces the templated service and region host with the override", () => {
      const url = buildUpstreamUrl(
        provider("aws-bedrock"),
        "bedrock-runtime/us-east-1/model/amazon.nova-lite-v1%3A0/converse-stream",
        "",
        "http://127.0.0.1:9999/bedrock",
      );

      expect(url).toBe("http://127.0.0.1:9999/bedrock/model/amazon.nova-lite-v1%3A0/converse-stream");
    });

    it.each([
      ["a dot", "us-east-1.evil.com"],
      ["uppercase letters", "US-EAST-1"],
      ["nothing", ""],
    ])("refuses a region with %s as a 400", (_, region) => {
      const error = expectBadRequest(() =>
        buildUpstreamUrl(
          provider("aws-bedrock"),
          `bedrock-runtime/${region}/model/x/converse`,
          "",
          undefined,
        ),
      );

      expect(error.message).toContain("AWS region");
    });

    it("refuses a service name that could change the host as a 400", () => {
      const error = expectBadRequest(() =>
        buildUpstreamUrl(provider("aws-bedrock"), "evil.com/us-east-1/model/x/converse", "", undefined),
      );

      expect(error.message).toContain("Bedrock service");
    });
  });

  describe("google-vertex-ai", () => {
    const path =
      "v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent";

    it("maps the location in the path to the regional host and keeps the whole path", () => {
      const url = buildUpstreamUrl(provider("google-vertex-ai"), path, "?alt=sse", undefined);

      expect(url).toBe(`https://us-central1-aiplatform.googleapis.com/${path}?alt=sse`);
    });

    it("maps the global location to the host without a region prefix", () => {
      const globalPath = path.replace("us-central1", "global");

      const url = buildUpstreamUrl(provider("google-vertex-ai"), globalPath, "", undefined);

      expect(url).toBe(`https://aiplatform.googleapis.com/${globalPath}`);
    });

    it("replaces the regional host with the override", () => {
      const url = buildUpstreamUrl(provider("google-vertex-ai"), path, "", "http://127.0.0.1:9999/vertex");

      expect(url).toBe(`http://127.0.0.1:9999/vertex/${path}`);
    });

    it("refuses a path without locations as a 400", () => {
      const error = expectBadRequest(() =>
        buildUpstreamUrl(
          provider("google-vertex-ai"),
          "v1/projects/my-project/publishers/google/models/gemini-2.5-pro:generateContent",
          "",
          undefined,
        ),
      );

      expect(error.message).toContain("Vertex AI location");
    });

    it("refuses a location that could change the host as a 400", () => {
      expectBadRequest(() =>
        buildUpstreamUrl(
          provider("google-vertex-ai"),
          "v1/projects/p/locations/evil.com%2F/publishers/google/models/m:generateContent",
          "",
          undefined,
        ),
      );
    });
  });
});
