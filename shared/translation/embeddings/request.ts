import { z } from "zod";
import { GatewayError } from "../../core/gateway-error.ts";

/**
 * An OpenAI embeddings request (https://platform.openai.com/docs/api-reference/embeddings/create): `input`
 * as a string, an array of strings, or token arrays (OpenAI only); `encoding_format` float or base64;
 * `dimensions`; `user`. Unknown top-level fields are kept so that each provider can refuse them by name.
 */
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  const result = embeddingsRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  throw GatewayError.badRequest(`Invalid embeddings request at ${where}: ${issue?.message ?? "invalid"}`);
}

const KNOWN = new Set(["model", "input", "encoding_format", "dimensions", "user"]);

/**
 * The texts of the request; token arrays are refused (only OpenAI takes them, and it is called natively).
 * Also refuses, by name, any field outside `supported`.
 */
export function embeddingTexts(
  request: EmbeddingsRequest,
  provider: string,
  supported: ReadonlySet<string>,
): string[] {
  const refused = Object.entries(request)
    .filter(
      ([key, value]) => value !== undefined && value !== null && (!KNOWN.has(key) || !supported.has(key)),
    )
    .map(([key]) => key);
  if (refused.length > 0) {
    throw GatewayError.badRequest(
      `Unsupported embeddings parameter${refused.length > 1 ? "s" : ""} for provider ${provider}: ${refused.join(", ")}`,
    );
  }
  if (typeof request.input === "string") return [request.input];
  if (request.input.every((value) => typeof value === "string")) return request.input as string[];
  throw GatewayError.badRequest(
    `Token arrays as embeddings input are only accepted for openai models; send text to ${provider}`,
  );
}

/** OpenAI's embeddings list, what every provider's answer becomes. */
export interface OpenAIEmbeddingList {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** A vector as the caller asked for it: floats, or little-endian float32 in base64 (as OpenAI encodes it). */
export function encodeEmbedding(
  values: number[],
  format: EmbeddingsRequest["encoding_format"],
): number[] | string {
  if (format !== "base64") return values;
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

export function embeddingList(
  vectors: number[][],
  request: EmbeddingsRequest,
  model: string,
  promptTokens: number,
): OpenAIEmbeddingList {
  return {
    object: "list",
    data: vectors.map((values, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(values, request.encoding_format),
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
