import type { StructuredLogger } from "../core/structured-logger.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import { clientResponseHeaders } from "../http/forwarded-headers.ts";
import type { BodyObservation } from "../http/observed-body.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { CachedResponse } from "./cache-entry.ts";
import type { CachePlan } from "./cache-options.ts";
import {
  type CacheableRequest,
  type CacheLookup,
  CacheRecorder,
  lookupCache,
  type ResponseCacheStore,
  replayCachedResponse,
  storeCachedResponse,
} from "./response-cache.ts";

/** The request as the cache key sees it, beyond the account and gateway the cache was opened for. */
export type KeyedRequest = Omit<CacheableRequest, "accountId" | "gateway">;

/**
 * The response cache of one request, on every surface (docs/caching.md). The entry is keyed on the
 * request the provider would get (provider slug, path and body, the identity of the credential once
 * stored keys or SigV4 have been applied) and holds the provider's own answer: status, headers and chunks.
 * So a unified request and a provider-native request that send the provider the same bytes with the same
 * credential share one entry, and a hit replays through the same code as a miss (on the unified surface,
 * through the same translation, so its usage and log come out of one path).
 *
 * A miss records the provider's chunks in one of two ways: the provider-native surface passes them to the
 * client as they are and pushes each one (`recordChunks`); the unified surface hands the provider body to
 * a translation, so `record` wraps that body. Either way `storeIfWhole` stores it once the client has had
 * the whole answer.
 */
export class RequestCache {
  private lookup: CacheLookup | null = null;
  private recorder: CacheRecorder | null = null;
  /**
   * Whether the provider body was read to its end. The chunks pushed by `recordChunks` were passed to the
   * client, whose whole answer proves it; a body wrapped by `record` was read by a translation, which may
   * stop before the provider's end (true only once the wrapped body has ended).
   */
  private ended = false;
  private response: { status: number; headers: Headers } | null = null;

  constructor(
    private readonly store: ResponseCacheStore,
    private readonly plan: CachePlan,
    private readonly accountId: string,
    private readonly gateway: Gateway,
    private readonly logger: StructuredLogger,
  ) {}

  /** `HIT` or `MISS` once the cache has been read; null when the request never got that far. */
  get status(): "HIT" | "MISS" | null {
    if (!this.lookup) return null;
    return this.lookup.hit ? "HIT" : "MISS";
  }

  get hit(): boolean {
    return this.lookup?.hit != null;
  }

  /** Looks the upstream request up, after its credentials have been applied (they are part of the key). */
  async find(request: KeyedRequest): Promise<CachedResponse | null> {
    this.lookup = await lookupCache(
      this.store,
      this.plan,
      { ...request, accountId: this.accountId, gateway: this.gateway },
      this.logger,
    );
    return this.lookup.hit;
  }

  replay(hit: CachedResponse): UpstreamCall {
    return { response: replayCachedResponse(hit), abort: () => {} };
  }

  /** A miss passed on as it came: each chunk the client is sent is pushed to the recorder answered. */
  recordChunks(response: { status: number; headers: Headers }): CacheRecorder {
    this.response = response;
    this.recorder = new CacheRecorder();
    this.ended = true;
    return this.recorder;
  }

  /**
   * A miss whose body is read by a translation: the provider's answer with a body that keeps each chunk
   * as it passes (one provider read per pull, nothing read ahead).
   */
  record(call: UpstreamCall): UpstreamCall {
    const source = call.response.body;
    // Stored as the native surface stores them (no content-encoding or hop-by-hop headers), so an entry
    // replays the same on either surface.
    this.response = { status: call.response.status, headers: clientResponseHeaders(call.response.headers) };
    if (!source) return call;
    const recorder = new CacheRecorder();
    this.recorder = recorder;
    const reader = source.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const { done, value } = await reader.read();
          if (done) {
            this.ended = true;
            controller.close();
            return;
          }
          recorder.push(value);
          controller.enqueue(value);
        },
        cancel: async (reason) => {
          await reader.cancel(reason).catch(() => {});
        },
      },
      { highWaterMark: 0 },
    );
    const response = new Response(body, {
      status: call.response.status,
      statusText: call.response.statusText,
      headers: call.response.headers,
    });
    return { response, abort: call.abort };
  }

  /**
   * After the caller's body has ended: stores the provider's answer when it was a 2xx read whole and the
   * caller received its answer whole (not cut, not abandoned).
   */
  async storeIfWhole(observation: BodyObservation): Promise<boolean> {
    if (!this.lookup || this.lookup.hit || !this.recorder || !this.response || !this.ended) return false;
    return storeCachedResponse(this.lookup, this.response, this.recorder, observation, this.logger);
  }
}
