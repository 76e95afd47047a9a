import type { UpstreamFetch } from "../http/http-fetch.ts";
import type { ConnectionPin } from "../http/pinned-lookup.ts";
import { ERROR_CODES, GatewayError } from "./gateway-error.ts";

export interface UpstreamCall {
  response: Response;
  /** Cancels the provider call (the client left); the body stream then ends. */
  abort(reason: unknown): void;
}

class FirstByteTimeout extends Error {}

/**
 * One call to a provider. The timeout covers the wait for the response head only: once the provider has
 * started answering, a long stream is not cut (as Cloudflare's `cf-aig-request-timeout` does).
 * A provider that cannot be reached becomes a 502, one that does not answer in time a 504; redirects are
 * passed to the client rather than followed, so a credential never follows a redirect to another host.
 */
export async function fetchUpstream(
  fetchImpl: UpstreamFetch,
  url: string,
  init: {
    method: string;
    headers: Headers;
    body: Uint8Array<ArrayBuffer> | null;
    timeoutMs: number;
    /** The addresses the SSRF guard checked, when it checked the host (provider-target.ts). */
    pin?: ConnectionPin | undefined;
  },
): Promise<UpstreamCall> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new FirstByteTimeout()), init.timeoutMs);
  try {
    const response = await fetchImpl(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      redirect: "manual",
      signal: controller.signal,
      pin: init.pin,
    });
    return { response, abort: (reason) => controller.abort(reason) };
  } catch (error) {
    if (controller.signal.reason instanceof FirstByteTimeout) {
      throw new GatewayError({
        status: 504,
        code: ERROR_CODES.upstreamTimeout,
        message: `The provider did not answer within ${init.timeoutMs} ms`,
        retryable: true,
        expose: true,
      });
    }
    throw new GatewayError({
      status: 502,
      code: ERROR_CODES.upstreamUnavailable,
      message: `The provider could not be reached: ${describeCause(error)}`,
      retryable: true,
      expose: true,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown })?.code;
  return typeof code === "string" ? code : cause instanceof Error ? cause.message : "network error";
}
