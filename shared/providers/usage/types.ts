/**
 * Token usage of one proxied response, normalised across providers so that cost can be computed the
 * same way for all of them:
 *
 *   tokensIn  = every input token the request was billed for, INCLUDING cache reads and cache writes
 *   cacheReadTokens / cacheWriteTokens = the parts of tokensIn served from / written to the prompt cache
 *
 * so the uncached input is always `tokensIn - (cacheReadTokens ?? 0) - (cacheWriteTokens ?? 0)` and no
 * token is ever counted twice. Providers disagree on where cache tokens live, so each extractor says
 * which convention its numbers follow (see `UsagePatch`):
 * - Anthropic (and Claude on Bedrock InvokeModel): `input_tokens` EXCLUDES `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so they are added.
 * - Bedrock Converse / ConverseStream: `inputTokens` EXCLUDES `cacheReadInputTokens` and
 *   `cacheWriteInputTokens` (AWS: `totalTokens = inputTokens + outputTokens + cacheRead + cacheWrite`),
 *   so they are added.
 * - OpenAI (Chat Completions, Responses, embeddings and the OpenAI-compatible family): `prompt_tokens` /
 *   `input_tokens` already INCLUDE `cached_tokens`, so they are taken as they are.
 * - Gemini: `promptTokenCount` already INCLUDES `cachedContentTokenCount`, so it is taken as it is.
 * - Cohere: billed `input_tokens`, assumed to include `cached_tokens` (Cohere documents it as "prompt
 *   tokens that hit the inference cache").
 *
 * A field is null when the response did not report it (no usage at all, or a shape we do not know); a
 * provider that reports usage but no cache figures gives null cache fields, not zero.
 */
export interface TokenUsage {
  /** ALL input tokens, normalised: including cache reads and cache writes. */
  tokensIn: number | null;
  /** Output tokens (for Gemini: candidates + thoughts; reasoning tokens are always included). */
  tokensOut: number | null;
  /** Part of tokensIn served from the provider's prompt cache. */
  cacheReadTokens: number | null;
  /** Part of tokensIn written to the provider's prompt cache. */
  cacheWriteTokens: number | null;
  /** Model name as the response reports it, if it does. */
  model: string | null;
}

/**
 * Watches a response body while it streams to the client. `push` is cheap and never throws (a malformed
 * chunk only means less is learned); `finish` is called once, at the end of the body or after the client
 * left, and reports what was seen so far.
 */
export interface UsageObserver {
  push(chunk: Uint8Array): void;
  finish(): TokenUsage;
}

/**
 * What one parsed JSON value (a whole body, or one stream event) says about usage. The observer merges
 * the patches of a response in order: a field left `undefined` keeps what earlier patches said, a value
 * (including `null`, meaning "no longer known") replaces it. Streams report cumulative figures, so the
 * latest report wins (Anthropic `message_delta` output, Gemini's last chunk).
 */
export interface UsagePatch {
  /** Input tokens that already include cache reads and writes (OpenAI, Gemini, Cohere). */
  totalInput?: number | null;
  /** Input tokens that exclude cache reads and writes (Anthropic, Bedrock Converse). */
  uncachedInput?: number | null;
  output?: number | null;
  cacheRead?: number | null;
  cacheWrite?: number | null;
  model?: string | null;
  /** A secondary source (Bedrock invocation metrics): only fills fields no other patch has set. */
  fallback?: boolean;
}

/** A pure function from one parsed JSON value to what it says about usage, or null when nothing. */
export type UsageExtractor = (value: unknown) => UsagePatch | null;
