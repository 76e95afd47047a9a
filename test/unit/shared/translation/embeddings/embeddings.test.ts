import { describe, expect, it } from "vitest";
import {
  titanEmbeddingsRequest,
  titanEmbeddingsResponse,
} from "../../../../../shared/providers/aws-bedrock/embeddings.ts";
import {
  geminiEmbeddingsRequest,
  geminiEmbeddingsResponse,
} from "../../../../../shared/providers/google-ai-studio/embeddings.ts";
import { findProvider } from "../../../../../shared/providers/registry.ts";
import {
  type EmbeddingsRequest,
  encodeEmbedding,
  parseEmbeddingsRequest,
} from "../../../../../shared/translation/embeddings/request.ts";

/** The request an OpenAI-compatible provider's embeddings adapter (its registry row) sends; undefined: none. */
const openAICompatibleEmbeddingsRequest = (request: EmbeddingsRequest, provider: string, model: string) =>
  findProvider(provider)?.embeddings?.(request, model).translated;

const parse = (body: Record<string, unknown>) => parseEmbeddingsRequest({ model: "p/m", ...body });

describe("embeddings translation", () => {
  it("sends OpenAI's body as it came, with the model without its prefix", () => {
    const request = parse({ input: [[1, 2, 3]], encoding_format: "base64", dimensions: 64, user: "u" });
    expect(openAICompatibleEmbeddingsRequest(request, "openai", "text-embedding-3-small")).toEqual({
      path: "embeddings",
      body: {
        model: "text-embedding-3-small",
        input: [[1, 2, 3]],
        encoding_format: "base64",
        dimensions: 64,
        user: "u",
      },
    });
  });

  it("sends Mistral output_dimension for dimensions, and refuses providers without embeddings", () => {
    expect(
      openAICompatibleEmbeddingsRequest(parse({ input: "x", dimensions: 256 }), "mistral", "codestral-embed"),
    ).toEqual({
      path: "v1/embeddings",
      body: { model: "codestral-embed", input: ["x"], output_dimension: 256 },
    });
    expect(openAICompatibleEmbeddingsRequest(parse({ input: "x" }), "groq", "m")).toBeUndefined();
  });

  it("builds Gemini's batchEmbedContents with one request per text and reads the vectors back in order", () => {
    const request = parse({ input: ["a", "b"], dimensions: 3 });
    expect(geminiEmbeddingsRequest(request, "gemini-embedding-001")).toEqual({
      path: "v1beta/models/gemini-embedding-001:batchEmbedContents",
      body: {
        requests: [
          {
            model: "models/gemini-embedding-001",
            content: { parts: [{ text: "a" }] },
            outputDimensionality: 3,
          },
          {
            model: "models/gemini-embedding-001",
            content: { parts: [{ text: "b" }] },
            outputDimensionality: 3,
          },
        ],
      },
    });
    expect(
      geminiEmbeddingsResponse(
        { embeddings: [{ values: [1, 2] }, { values: [3, 4] }] },
        request,
        "gemini-embedding-001",
      ),
    ).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [1, 2] },
        { object: "embedding", index: 1, embedding: [3, 4] },
      ],
      model: "gemini-embedding-001",
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    expect(() => geminiEmbeddingsResponse({ nothing: true }, request, "m")).toThrow(/no embeddings/);
  });

  it("refuses what Gemini cannot honour: user, token arrays", () => {
    expect(() => geminiEmbeddingsRequest(parse({ input: "a", user: "u" }), "m")).toThrow(/user/);
    expect(() => geminiEmbeddingsRequest(parse({ input: [1, 2] }), "m")).toThrow(/Token arrays/);
  });

  it("builds Titan's InvokeModel body for one text and reads its token count", () => {
    const request = parse({ input: ["hello"], dimensions: 512 });
    expect(titanEmbeddingsRequest(request, "amazon.titan-embed-text-v2:0")).toEqual({
      path: "model/amazon.titan-embed-text-v2%3A0/invoke",
      body: { inputText: "hello", dimensions: 512 },
    });
    expect(
      titanEmbeddingsResponse(
        { embedding: [0.5], inputTextTokenCount: 2 },
        request,
        "amazon.titan-embed-text-v2:0",
      ),
    ).toMatchObject({ data: [{ embedding: [0.5] }], usage: { prompt_tokens: 2, total_tokens: 2 } });
  });

  it("refuses Titan with several inputs, other dimensions or another Bedrock model", () => {
    expect(() =>
      titanEmbeddingsRequest(parse({ input: ["a", "b"] }), "amazon.titan-embed-text-v2:0"),
    ).toThrow(/one text per call/);
    expect(() =>
      titanEmbeddingsRequest(parse({ input: "a", dimensions: 100 }), "amazon.titan-embed-text-v2:0"),
    ).toThrow(/256, 512 or 1024/);
    expect(() => titanEmbeddingsRequest(parse({ input: "a" }), "cohere.embed-english-v3")).toThrow(/Titan/);
  });

  it("encodes base64 as little-endian float32, as OpenAI does", () => {
    const encoded = encodeEmbedding([1, -0.5], "base64") as string;
    const bytes = Buffer.from(encoded, "base64");
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([1, -0.5]);
    expect(encodeEmbedding([1], "float")).toEqual([1]);
  });

  it("refuses a malformed request with a 400 naming the field", () => {
    expect(() => parseEmbeddingsRequest({ model: "p/m", input: [] })).toThrow(/input/);
    expect(() => parseEmbeddingsRequest({ model: "p/m", input: "x", encoding_format: "int8" })).toThrow(
      /encoding_format/,
    );
  });
});
