import type { StructuredLogger } from "../core/structured-logger.ts";
import type { BodyObservation } from "../http/observed-body.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { CachedResponse } from "./cache-entry.ts";
import { cacheKey } from "./cache-key.ts";
import type { CachePlan } from "./cache-options.ts";
import { credentialIdentity } from "./credential-identity.ts";

/** What the proxy needs of the cache store (shared/store/cache-store.ts). */
export interface ResponseCacheStore {
  get(key: string): Promise<CachedResponse | null>;
  put(key: string, response: CachedResponse, ttlSeconds: number): Promise<boolean>;
}

/** Response headers that belong to one response, never to a replay of it (also cf-aig-* and RateLimit*). */
const NOT_STORED = new Set(["set-cookie", "date"]);
/**
 * The longest a miss's last byte waits for its cache write (docs/caching.md). A write that takes longer
 * (a throttled table) goes on after the response has ended, as the invocation's pending work.
 */
export const CACHE_WRITE_WAIT_LIMIT_MS = 5_000;
/** The most body bytes recorded for the cache, the same 25 MB the store accepts. */
export const MAX_RECORDED_BYTES = 25 * 1024 * 1024;

export interface CacheLookup {
  store: ResponseCacheStore;
  plan: CachePlan;
  key: string;
  hit: CachedResponse | null;
}

/** The request as the cache key sees it, once stored keys have been applied to the upstream headers. */
export interface CacheableRequest {
  accountId: string;
  gateway: Gateway;
  providerSlug: string;
  method: string;
  restPath: string;
  search: string;
  body: Uint8Array | null;
  upstreamHeaders: Headers;
  upstreamUrl: string;
}

/**
 * Looks the request up. A store that cannot be reached is a miss (logged), never a failed request: the
 * cache only ever saves work.
 */
export async function lookupCache(
  store: ResponseCacheStore,
  plan: CachePlan,
  request: CacheableRequest,
  logger: StructuredLogger,
): Promise<CacheLookup> {
  const key = cacheKey({
    accountId: request.accountId,
    gatewayId: request.gateway.id,
    gatewayCreatedAt: request.gateway.created_at,
    generation: request.gateway.cache_generation ?? 0,
    providerSlug: request.providerSlug,
    method: request.method,
    restPath: request.restPath,
    search: request.search,
    body: request.body,
    credential: credentialIdentity(request.upstreamHeaders, request.upstreamUrl),
    customKey: plan.customKey,
  });
  try {
    return { store, plan, key, hit: await store.get(key) };
  } catch (error) {
    logger.warn("cache lookup failed", { reason: String(error) });
    return { store, plan, key, hit: null };
  }
}

/**
 * A hit as a Response whose body yields the stored chunks one per read, as the provider's stream did (how
 * they are framed on the wire is then the transport's: API Gateway's, or the local front's, which joins
 * what is written in one turn). Nothing is read ahead (highWaterMark 0).
 */
export function replayCachedResponse(hit: CachedResponse): Response {
  let index = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = hit.chunks[index++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: hit.status, headers: hit.headers });
}

/** Keeps the chunks passed to the client, up to 25 MB; past that the response is not cached. */
export class CacheRecorder {
  readonly chunks: Uint8Array[] = [];
  private bytes = 0;
  overflowed = false;

  push(chunk: Uint8Array): void {
    if (this.overflowed) return;
    this.bytes += chunk.byteLength;
    if (this.bytes > MAX_RECORDED_BYTES) {
      this.overflowed = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }
}

/**
 * After the body has ended: stores it when it is worth replaying, that is a 2xx that reached the client
 * whole (not cut by the provider, not abandoned by the client) and within 25 MB.
 */
export async function storeCachedResponse(
  lookup: CacheLookup,
  response: { status: number; headers: Headers },
  recorder: CacheRecorder,
  observation: BodyObservation,
  logger: StructuredLogger,
): Promise<boolean> {
  const complete = !observation.clientAborted && !observation.upstreamError && !recorder.overflowed;
  if (response.status < 200 || response.status >= 300 || !complete) return false;
  const headers = [...response.headers].filter(
    ([name]) => !NOT_STORED.has(name) && !name.startsWith("cf-aig-") && !name.startsWith("ratelimit"),
  );
  try {
    return await lookup.store.put(
      lookup.key,
      { status: response.status, headers, chunks: recorder.chunks },
      lookup.plan.ttlSeconds,
    );
  } catch (error) {
    logger.warn("cache write failed", { reason: String(error) });
    return false;
  }
}

/**
 * What the end of a miss's body waits for: its cache write, or CACHE_WRITE_WAIT_LIMIT_MS of it, whichever
 * comes first. Never rejects (a failed write is logged by storeCachedResponse and is only a later miss).
 */
export function waitForCacheWrite(
  write: Promise<unknown>,
  limitMs: number = CACHE_WRITE_WAIT_LIMIT_MS,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  return Promise.race([
    write.then(
      () => {},
      () => {},
    ),
    limit,
  ]).finally(() => clearTimeout(timer));
}
