import type { ErrorDialect } from "../http/error-response.ts";
import type { EmbeddingsRequest, OpenAIEmbeddingList } from "../translation/embeddings/request.ts";
import type { ProviderTranslator, TranslatedRequest } from "../translation/types.ts";
import type { BodyDecoder } from "./usage/body-decoders.ts";
import type { UsageExtractor } from "./usage/types.ts";

/**
 * What the gateway knows about one provider: the type of a row of shared/providers/registry.ts. Types only,
 * so that the registry (which imports every provider folder) and the provider folders (which build their
 * parts against these types) never import each other.
 */

/**
 * The response shape the log reads token usage from; providers that share a shape share its extractor:
 * - openai: `usage.prompt_tokens` / `completion_tokens` (also the OpenAI-compatible family)
 * - anthropic: `usage.input_tokens` / `output_tokens` (+ cache tokens), `message_start` / `message_delta` events
 * - gemini: `usageMetadata.promptTokenCount` / `candidatesTokenCount`
 * - bedrock: Converse `usage.inputTokens` / `outputTokens`, ConverseStream `metadata` event
 * - cohere: `meta.billed_units` (v1) or `usage.billed_units` (v2)
 */
export type UsageFormat = "openai" | "anthropic" | "gemini" | "bedrock" | "cohere" | "none";

/**
 * How a stored provider key (BYOK) is presented to the provider: as a header, by signing the request
 * with AWS SigV4 (Bedrock), or as an OAuth access token minted from a service account (Vertex AI,
 * shared/providers/google-service-account.ts).
 */
export type CredentialStyle =
  | "bearer"
  | "x-api-key"
  | "x-goog-api-key"
  | "api-key"
  | "sigv4"
  | "google-service-account";

/** The upstream origin and the path segments that follow it. */
export interface UpstreamHost {
  base: string;
  rest: string[];
}

/**
 * A provider whose host depends on the path (Azure resource, AWS region, Vertex location): picks the host
 * from the leading segments of the path after the slug (still percent-encoded). `override` is the
 * operator's `UPSTREAM_<SLUG>_URL`, which replaces the host.
 */
export type UpstreamHostRule = (segments: string[], override: string | undefined) => UpstreamHost;

export interface TranslatorOptions {
  /** Azure OpenAI: the caller's `?api-version=`, replacing the default. */
  apiVersion?: string | null;
}

/** How one embeddings request reaches a provider and how its answer becomes OpenAI's list. */
export interface EmbeddingsRoute {
  translated: TranslatedRequest;
  /** Null: the provider answers OpenAI's list already, passed on as it came. */
  toList: ((body: unknown) => OpenAIEmbeddingList) | null;
  /** The log reads usage from the translated list (Titan's `inputTextTokenCount` has no reader of its own). */
  usageFromList: boolean;
}

/** Throws GatewayError.badRequest naming what the provider cannot honour. */
export type EmbeddingsAdapter = (request: EmbeddingsRequest, model: string) => EmbeddingsRoute;

export interface ProviderDefinition {
  slug: string;
  /** The upstream base that replaces `/v1/{account}/{gateway}/{slug}`; for templated hosts, a documentation value. */
  baseUrl: string;
  /** Templated hosts only; without it the request goes to `baseUrl` + the rest of the path. */
  upstreamHost?: UpstreamHostRule;
  /**
   * The model a provider-native path names, for the log when the body names none (Gemini
   * `models/{model}:generateContent`, Bedrock `model/{id}/converse`, Azure's deployment). `segments`: the
   * path after the slug, split at `/` and percent-decoded.
   */
  modelInPath?: (segments: string[]) => string | null;
  /** A leading path segment clients may add that the base URL already carries (OpenRouter documents both forms). */
  redundantPathPrefix?: string;
  credentialStyle: CredentialStyle;
  usageFormat: UsageFormat;
  /** Reads usage from one parsed JSON value; required unless `usageFormat` is "none". */
  usageExtractor?: UsageExtractor;
  /** How errors on this provider's native route are written (its client library's shape); default openai. */
  errorDialect?: ErrorDialect;
  /**
   * Canonical (OpenAI chat) <-> provider translation. A provider with a translator is callable through the
   * unified API (`{slug}/{model}`); one without is provider-native only.
   */
  translator?: (options: TranslatorOptions) => ProviderTranslator;
  /**
   * The provider serves OpenAI's Responses API itself at `responses` under its base URL: the unified
   * `/responses` passes the request on instead of bridging it through the translator (OpenAI).
   */
  nativeResponses?: boolean;
  /** Other names a unified model may use for this provider (Cloudflare's `google/...`, `xai/...`). */
  modelAliases?: readonly string[];
  /** Splits the provider's stream into the events its translator takes; default: SSE `data` as JSON. */
  streamDecoder?: (onEvent: (event: unknown) => void) => BodyDecoder;
  /** The unified `/embeddings` operation; without it the provider offers no embeddings there. */
  embeddings?: EmbeddingsAdapter;
}
