import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { fetchUpstream, type UpstreamCall } from "../core/upstream-fetch.ts";
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, watchStreamIdle } from "../resilience/stream-idle-timeout.ts";
import type { CallProviderInput } from "./provider-call-types.ts";
import type { UnifiedUpstream } from "./upstream-request.ts";

export interface SentUpstream {
  call: UpstreamCall;
  limitHeaders: Record<string, string>;
}

/**
 * The provider call every unified operation makes once its upstream request is built: the cache is read
 * first (when it applies), because a hit never reaches the provider and so is not counted against rate
 * or spend limits (`beforeUpstream` is told it is a hit); a miss is sent (with the handler's retries), its
 * body watched by the stream idle timeout and recorded for the cache.
 */
export async function sendUpstream(
  upstream: UnifiedUpstream,
  target: { provider: string; model: string },
  input: Pick<CallProviderInput, "beforeUpstream" | "send" | "timeoutMs" | "cache" | "streamIdleTimeoutMs">,
  deps: ProxyDependencies,
): Promise<SentUpstream> {
  const hit = input.cache
    ? await input.cache.find({
        providerSlug: target.provider,
        method: "POST",
        restPath: upstream.restPath,
        search: new URL(upstream.url).search,
        body: upstream.body,
        upstreamHeaders: upstream.headers,
        upstreamUrl: upstream.url,
      })
    : null;
  const limitHeaders = await input.beforeUpstream(
    target.provider,
    target.model,
    upstream.restPath,
    hit !== null,
  );
  if (hit && input.cache) return { call: input.cache.replay(hit), limitHeaders };
  const send = (timeoutMs: number) =>
    fetchUpstream(deps.fetch, upstream.url, {
      method: "POST",
      headers: upstream.headers,
      body: upstream.body,
      timeoutMs,
      pin: upstream.pin,
    });
  // The handler's `send` retries; without one the provider is called once.
  const sent = input.send ? await input.send(send) : await send(input.timeoutMs);
  // A provider that goes quiet mid-body is cut after the stream idle timeout (docs/resilience.md).
  const call = watchStreamIdle(sent, input.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS);
  return { call: input.cache ? input.cache.record(call) : call, limitHeaders };
}
