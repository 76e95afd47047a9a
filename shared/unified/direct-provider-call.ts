import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { UpstreamCall } from "../core/upstream-fetch.ts";
import { createUsageObserver, type UsageObserver } from "../providers/usage/index.ts";
import type { TranslatedRequest } from "../translation/types.ts";
import { bedrockRegion } from "./bedrock-region.ts";
import type { UnifiedModel } from "./model-name.ts";
import type { OperationInput } from "./provider-call-types.ts";
import { sendUpstream } from "./send-upstream.ts";
import { buildUpstreamRequest, clientProviderKey } from "./upstream-request.ts";

export interface DirectCall {
  call: UpstreamCall;
  usage: UsageObserver;
  headersAt: number;
  limitHeaders: Record<string, string>;
}

export { bedrockRegion };

/**
 * One provider call for a request body already in the provider's format (chat after translation, native
 * Responses, embeddings):
 * credentials, URL and SSRF guard as for chat, then limits and spans (`beforeUpstream`), then the call.
 * The caller reads the answer; the usage observer is made for the provider's usage format.
 */
export async function callProviderDirect(
  target: UnifiedModel,
  translated: TranslatedRequest,
  input: OperationInput,
  deps: ProxyDependencies,
): Promise<DirectCall> {
  input.named?.(target.provider, target.model);
  const upstream = await buildUpstreamRequest(
    {
      accountId: input.accountId,
      gateway: input.gateway,
      providerSlug: target.provider,
      translated,
      // A dynamic route's model nodes never forward the caller's own key (useClientKey: false).
      clientKey:
        input.surface === "compat" && input.useClientKey !== false ? clientProviderKey(input.headers) : null,
      alias: input.headers.get("cf-aig-byok-alias"),
      callerAuthenticated: input.surface === "rest",
      bedrockRegion: bedrockRegion(),
      clientHeaders: input.headers,
      platformModel: target.platformModel !== undefined,
    },
    deps,
  );
  // Cache, then limits and spans, then the call (with the handler's retries).
  const { call, limitHeaders } = await sendUpstream(upstream, target, input, deps);
  const headersAt = deps.clock.monotonic();
  const usage = createUsageObserver(upstream.provider.usageFormat, call.response.headers.get("content-type"));
  return { call, usage, headersAt, limitHeaders };
}

/** The largest provider error body relayed or read for translation. */
export const MAX_ERROR_BYTES = 64 * 1024;

export function textStream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The provider's body as it arrives, each chunk also shown to the usage observer: one provider read per
 * client pull, nothing held back (the stream is never buffered). When the provider's connection fails
 * mid-way and `failureTail` gives a last chunk (an error event in the caller's format), the body ends with
 * it instead of breaking.
 */
export function observedPassthrough(
  source: ReadableStream<Uint8Array>,
  usage: UsageObserver,
  failureTail: (error: unknown) => Uint8Array | null = () => null,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          const tail = failureTail(error);
          if (!tail) throw error;
          controller.enqueue(tail);
          controller.close();
          return;
        }
        const { done, value } = read;
        if (done) {
          controller.close();
          return;
        }
        usage.push(value);
        controller.enqueue(value);
      },
      async cancel(reason) {
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
