import type { CachedResponse } from "../cache/cache-entry.ts";
import type { CachePlan } from "../cache/cache-options.ts";
import {
  type CacheLookup,
  CacheRecorder,
  lookupCache,
  type ResponseCacheStore,
  replayCachedResponse,
  storeCachedResponse,
} from "../cache/response-cache.ts";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import { clientResponseHeaders } from "../http/forwarded-headers.ts";
import type { BodyObservation } from "../http/observed-body.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { UnifiedUpstream } from "./upstream-request.ts";

/**
 * The response cache on the unified surfaces (docs/caching.md, "Unified requests"). The entry is keyed on
 * the request the provider would get (provider slug, translated path and body, the identity of the
 * credential once stored keys or SigV4 have been applied) and holds the provider's own answer, status,
 * headers and chunks. A hit is replayed into the same translation as a miss, so the caller's answer,
 * its usage and its log come out of one code path; the usage observer sees the stored provider bytes, so
 * a hit logs the tokens it saved. The key is the native surface's, so a unified request and a native
 * request that send the provider the same bytes with the same credential share one entry.
 */
export class UnifiedCache {
  private lookup: CacheLookup | null = null;
  private recorder: CacheRecorder | null = null;
  /** Set when the provider body was read to its end: only then is it a whole answer worth storing. */
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
  async find(providerSlug: string, upstream: UnifiedUpstream): Promise<CachedResponse | null> {
    const url = new URL(upstream.url);
    this.lookup = await lookupCache(
      this.store,
      this.plan,
      {
        accountId: this.accountId,
        gateway: this.gateway,
        providerSlug,
        method: "POST",
        restPath: upstream.restPath,
        search: url.search,
        body: upstream.body,
        upstreamHeaders: upstream.headers,
        upstreamUrl: upstream.url,
      },
      this.logger,
    );
    return this.lookup.hit;
  }

  replay(hit: CachedResponse): UpstreamCall {
    return { response: replayCachedResponse(hit), abort: () => {} };
  }

  /**
   * A miss: the provider's answer with a body that keeps each chunk as it passes (one provider read per
   * pull, nothing read ahead), to be stored by `storeIfWhole` once the caller has had the whole answer.
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
   * After the caller's body has ended: stores the provider's answer when it was a 2xx read whole by the
   * translation and the caller received the translated answer whole (not cut, not abandoned).
   */
  async storeIfWhole(observation: BodyObservation): Promise<boolean> {
    if (!this.lookup || this.lookup.hit || !this.recorder || !this.response || !this.ended) return false;
    return storeCachedResponse(this.lookup, this.response, this.recorder, observation, this.logger);
  }
}
