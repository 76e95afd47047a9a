import type { RequestCache } from "../cache/request-cache.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import type { UsageObserver } from "../providers/usage/index.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { OpenAIChatRequest } from "../translation/types.ts";
import type { CallerFormat } from "./caller-format.ts";

// The shapes every unified operation (chat, Responses, embeddings, dynamic routes) passes to and gets back
// from its provider call. Kept apart from the functions so the call modules can import them without
// importing each other.

export interface CallProviderInput {
  canonical: OpenAIChatRequest;
  format: CallerFormat;
  accountId: string;
  gateway: Gateway;
  surface: "compat" | "rest";
  headers: Headers;
  id: string;
  timeoutMs: number;
  /**
   * Runs once the model is parsed, before credentials and the URL are resolved: a request refused there
   * (no key, an unknown custom provider) is still logged with the provider and model it named.
   */
  named?: (provider: string, model: string) => void;
  /**
   * Runs once the provider and model are known, right before the provider is called (limits, spans);
   * `cached`: the answer comes from the cache and the provider is not called.
   */
  beforeUpstream(
    provider: string,
    model: string,
    restPath: string,
    cached: boolean,
  ): Promise<Record<string, string>>;
  /**
   * Sends the provider request and awaits the response head; the default sends it once. The unified
   * handler passes one that retries (shared/resilience/retry-loop.ts) and logs each failed attempt.
   */
  send?: (call: (timeoutMs: number) => Promise<UpstreamCall>) => Promise<UpstreamCall>;
  /** false: never forward the caller's own provider key (a dynamic route's model uses stored keys). */
  useClientKey?: boolean;
  /** The response cache for this request (shared/cache/request-cache.ts); absent: nothing is looked up or stored. */
  cache?: RequestCache | null;
  /** The stream idle timeout (shared/resilience/stream-idle-timeout.ts); absent: the default. */
  streamIdleTimeoutMs?: number;
}

export interface ProviderCallResult {
  status: number;
  contentType: string;
  body: ReadableStream<Uint8Array>;
  usage: UsageObserver;
  headersAt: number;
  limitHeaders: Record<string, string>;
  error: { code: number; message: string } | null;
  abort(reason: unknown): void;
}

/** What every unified operation passes to its provider call, the chat request aside. */
export type OperationInput = Omit<CallProviderInput, "canonical">;
