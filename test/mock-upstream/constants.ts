/**
 * Deterministic values the mock upstream answers with, so tests can assert exact text and token counts.
 * Usage never depends on `x-mock-chunks` / `x-mock-chunk-bytes`: every response of a provider reports the
 * same numbers.
 */

/** The content deltas of a default stream; joined they are {@link MOCK_TEXT}. */
export const MOCK_TEXT_PIECES = ["Hello", " from", " the", " mock", "!"] as const;

/** Content delta count when the request sets no `x-mock-chunks`. */
export const MOCK_DEFAULT_CHUNKS = MOCK_TEXT_PIECES.length;

/**
 * The text of each content delta for `chunks` deltas, each padded with "." to `chunkBytes` bytes when larger.
 * Piece i is `MOCK_TEXT_PIECES[i]` for the first five, then ` ${i}` ("Hello from the mock! 5 6 7").
 */
export function mockChunkTexts(
  chunks: number = MOCK_DEFAULT_CHUNKS,
  chunkBytes = 0,
  reply?: string,
): string[] {
  if (reply !== undefined) return splitReply(reply, chunks);
  const texts: string[] = [];
  for (let i = 0; i < chunks; i++) {
    const piece = MOCK_TEXT_PIECES[i] ?? ` ${i}`;
    texts.push(chunkBytes > piece.length ? piece.padEnd(chunkBytes, ".") : piece);
  }
  return texts;
}

/** `x-mock-reply`: the text cut into `chunks` deltas of near-equal length (the last ones may be empty). */
function splitReply(reply: string, chunks: number): string[] {
  const size = Math.ceil(reply.length / chunks);
  return Array.from({ length: chunks }, (_, index) => reply.slice(index * size, (index + 1) * size));
}

/** The full response text for the given controls; non-streaming responses carry the same text. */
export function mockText(chunks: number = MOCK_DEFAULT_CHUNKS, chunkBytes = 0): string {
  return mockChunkTexts(chunks, chunkBytes).join("");
}

/** "Hello from the mock!" */
export const MOCK_TEXT = mockText();

export interface MockUsage {
  input: number;
  output: number;
  total?: number;
  cacheRead?: number;
  cacheCreation?: number;
}

/** Token usage per provider slug, normalised; see {@link MOCK_WIRE_USAGE} for the exact wire shapes. */
export const MOCK_USAGE = {
  openai: { input: 12, output: 5, total: 17 },
  /** `input_tokens` excludes the cache tokens, as Anthropic reports it. */
  anthropic: { input: 12, output: 5, cacheRead: 3, cacheCreation: 2 },
  "google-ai-studio": { input: 12, output: 5, total: 17 },
  "aws-bedrock": { input: 12, output: 5, total: 17 },
  cohere: { input: 12, output: 5 },
} as const satisfies Record<string, MockUsage>;

/** `POST /v1/embeddings` usage: prompt_tokens = total_tokens = 8, whatever the input. */
export const MOCK_EMBEDDING_USAGE = { input: 8, total: 8 } as const;

/** Dimensions of each mock embedding vector. */
export const MOCK_EMBEDDING_DIMENSIONS = 8;

/** Bedrock `metrics.latencyMs` in Converse responses and the ConverseStream `metadata` event. */
export const MOCK_BEDROCK_LATENCY_MS = 42;

/** Usage exactly as each provider puts it on the wire (final totals; for streams, the last report). */
export const MOCK_WIRE_USAGE = {
  openai: {
    prompt_tokens: MOCK_USAGE.openai.input,
    completion_tokens: MOCK_USAGE.openai.output,
    total_tokens: MOCK_USAGE.openai.total,
  },
  anthropic: {
    input_tokens: MOCK_USAGE.anthropic.input,
    output_tokens: MOCK_USAGE.anthropic.output,
    cache_read_input_tokens: MOCK_USAGE.anthropic.cacheRead,
    cache_creation_input_tokens: MOCK_USAGE.anthropic.cacheCreation,
  },
  "google-ai-studio": {
    promptTokenCount: MOCK_USAGE["google-ai-studio"].input,
    candidatesTokenCount: MOCK_USAGE["google-ai-studio"].output,
    totalTokenCount: MOCK_USAGE["google-ai-studio"].total,
  },
  "aws-bedrock": {
    inputTokens: MOCK_USAGE["aws-bedrock"].input,
    outputTokens: MOCK_USAGE["aws-bedrock"].output,
    totalTokens: MOCK_USAGE["aws-bedrock"].total,
  },
  cohere: {
    billed_units: { input_tokens: MOCK_USAGE.cohere.input, output_tokens: MOCK_USAGE.cohere.output },
    tokens: { input_tokens: MOCK_USAGE.cohere.input, output_tokens: MOCK_USAGE.cohere.output },
  },
} as const;

/**
 * AWS access keys whose secret the Bedrock mock knows, so that it can verify SigV4 signatures made with
 * them (stored aws-bedrock keys in tests). The process's own AWS credentials are known too.
 */
export const MOCK_AWS_ACCESS_KEYS = [
  { accessKeyId: "AKIAMOCKSTORED000001", secretAccessKey: "mock/stored/secret/0123456789abcdefEXAMPLE" },
  { accessKeyId: "AKIASTOREDKEY", secretAccessKey: "stored-secret" },
] as const;
