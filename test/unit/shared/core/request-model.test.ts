import { describe, expect, it } from "vitest";
import { requestModel } from "../../../../shared/core/request-model.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("requestModel", () => {
  it("reads the model from the JSON body", () => {
    const model = requestModel("openai", "chat/completions", json({ model: "gpt-4o-mini" }), "gpt-4o-2024");

    expect(model).toBe("gpt-4o-mini");
  });

  it("reads the model from a body that is a view into a larger buffer", () => {
    const text = new TextEncoder().encode(`xxxx${JSON.stringify({ model: "claude-sonnet-4-5" })}yyyy`);
    const body = text.subarray(4, text.byteLength - 4);

    expect(requestModel("anthropic", "v1/messages", body, null)).toBe("claude-sonnet-4-5");
  });

  it("prefers the body's model to the model in the path", () => {
    const model = requestModel(
      "google-ai-studio",
      "v1beta/models/gemini-2.5-flash:generateContent",
      json({ model: "from-body" }),
      null,
    );

    expect(model).toBe("from-body");
  });

  it("reads the model from a Gemini path", () => {
    const model = requestModel(
      "google-ai-studio",
      "v1beta/models/gemini-2.5-flash:streamGenerateContent",
      json({ contents: [] }),
      null,
    );

    expect(model).toBe("gemini-2.5-flash");
  });

  it("reads the model from a Vertex AI path", () => {
    const model = requestModel(
      "google-vertex-ai",
      "v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent",
      null,
      null,
    );

    expect(model).toBe("gemini-2.5-pro");
  });

  it("reads and percent-decodes the model from a Bedrock path", () => {
    const model = requestModel(
      "aws-bedrock",
      "bedrock-runtime/us-east-1/model/anthropic.claude-3-haiku%3A0/converse",
      json({ messages: [] }),
      null,
    );

    expect(model).toBe("anthropic.claude-3-haiku:0");
  });

  it("reads the Azure deployment as the model", () => {
    const model = requestModel("azure-openai", "my-resource/gpt-4o-prod/chat/completions", json({}), null);

    expect(model).toBe("gpt-4o-prod");
  });

  it("falls back to the model the response reported", () => {
    const model = requestModel("openai", "chat/completions", json({ messages: [] }), "gpt-4o-2024-08-06");

    expect(model).toBe("gpt-4o-2024-08-06");
  });

  it("ignores a body that is not JSON", () => {
    const body = new TextEncoder().encode("--boundary\r\nContent-Disposition: form-data; name=model\r\n");

    expect(requestModel("openai", "audio/transcriptions", body, "whisper-1")).toBe("whisper-1");
  });

  it("ignores a body that starts like JSON but does not parse", () => {
    const body = new TextEncoder().encode('{"model": "gpt');

    expect(requestModel("openai", "chat/completions", body, "from-response")).toBe("from-response");
  });

  it("ignores a model that is not a non-empty string", () => {
    expect(requestModel("openai", "chat/completions", json({ model: 42 }), null)).toBeNull();
    expect(requestModel("openai", "chat/completions", json({ model: "" }), "r")).toBe("r");
  });

  it("returns null when nothing names a model", () => {
    expect(requestModel("openai", "models", null, null)).toBeNull();
  });

  it("does not read a path model for providers whose paths carry none", () => {
    expect(requestModel("openai", "models/gpt-4o", null, null)).toBeNull();
  });
});
