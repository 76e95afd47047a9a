import type { RequestCache } from "../cache/request-cache.ts";
import { waitForCacheWrite } from "../cache/response-cache.ts";
import type { RequestRecord, ResponseRecord } from "../core/build-log-event.ts";
import type { ExecutionContext } from "../core/execution-context.ts";
import { LOG_BODY_CAPTURE_LIMIT } from "../core/log-bodies.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import { NULL_BODY_STATUSES } from "../http/http-fetch.ts";
import { hasBody } from "../http/node-body-response.ts";
import type { ObserveOptions } from "../http/observed-body.ts";
import { observeResponseBody } from "../http/observed-node-body.ts";
import type { TokenUsage } from "../providers/usage/index.ts";
import { midStreamFailure, streamErrorEvent } from "../resilience/stream-failure.ts";
import { checkResponse, NO_CHECKS, type PipelineChecks, type ResponseContext } from "./checks-stage.ts";
import { CACHE_HIT_FIELDS, completeRequest } from "./complete-request.ts";
import type { RequestState } from "./request-state.ts";

/** The request being answered: its row, its state, the cache it was looked up in, how its row is priced. */
export interface Responding {
  deps: ProxyDependencies;
  execution: ExecutionContext;
  state: RequestState;
  record: RequestRecord;
  /** Whether the gateway keeps this request's logs. */
  collect: boolean;
  /** The unified surface's rows show the model the caller named (complete-request.ts). */
  namesModel: boolean;
  /** The request's cache once looked up; null: the cache did not apply. */
  cache: RequestCache | null;
  /** The caller's error dialect: a body a response check refuses is answered in it. */
  dialect: ErrorDialect;
  /** The answer is a cache hit stored after the checks ran on it (the native surface's cache). */
  checkedCacheHit: boolean;
}

/** What the surface answers: the provider's response (native) or its translation (unified). */
export interface SurfaceAnswer {
  /** Status and body to send on; its own headers are the provider's (read by the response transforms). */
  response: Response;
  /** The headers the client gets: the provider's passed on (or the caller format's), ids, limits. */
  headers: Headers;
  contentType: string | null;
  upstreamHeadersAt: number;
  /** The usage read from the provider's body: from `onChunk` (native), or by the translation (unified). */
  usage: { finish(): TokenUsage };
  /** Cancels the provider call (the client left). */
  abort(reason: unknown): void;
  /** The failure a translation met mid-body, read once the body has ended; else the body's own is logged. */
  translationError?: () => { code: number; message: string } | null;
  /** The native surface's part of the observation: usage and cache chunks, the failure event, idle watch. */
  observe?: Pick<ObserveOptions, "onChunk" | "failureTail" | "idle">;
}

/**
 * The respond stage, last on every surface: the answer goes through the response transforms of the checks
 * slot, then to the client chunk by chunk while it is observed (the head captured for the log, the client
 * leaving cancels the provider call); a miss is stored in the cache before its last byte, so an identical
 * request sent on that byte hits; one row is logged after the last byte (or the client leaving).
 */
export async function respond(context: Responding, answer: SurfaceAnswer): Promise<Response> {
  const { deps, state, record, cache } = context;
  if (cache?.status) answer.headers.set("cf-aig-cache-status", cache.status);
  // A hit: its tokens are the ones it saved, and the provider was not paid for it.
  if (cache?.hit) state.rowExtras.fields = { ...state.rowExtras.fields, ...CACHE_HIT_FIELDS };
  const complete = (response: ResponseRecord) =>
    completeRequest(deps, {
      request: record,
      ...(context.namesModel ? { namedModel: state.model } : {}),
      collect: context.collect,
      upstreamSpan: state.upstreamSpan,
      response,
      spend: state.spend,
      extras: state.rowExtras,
    });

  if (!hasBody(answer.response) || NULL_BODY_STATUSES.has(answer.response.status)) {
    const { status } = answer.response;
    context.execution.waitUntil(
      complete({
        status,
        contentType: answer.contentType,
        upstreamStartedAt: state.upstreamStartedAt,
        upstreamHeadersAt: answer.upstreamHeadersAt,
        observation: null,
        usage: null,
        error: null,
        endedAt: deps.clock.monotonic(),
      }),
    );
    return new Response(null, { status, headers: answer.headers });
  }

  let stored: Promise<boolean> | null = null;
  // The checks see the body before the head goes: a whole body may be refused or redacted (DLP).
  const answered = await checkedResponse(deps.checks ?? NO_CHECKS, answer, {
    status: answer.response.status,
    contentType: answer.contentType,
    record,
    ...(state.gateway ? { gateway: state.gateway } : {}),
    cached: context.checkedCacheHit,
    dialect: context.dialect,
  });
  const { status } = answered;
  const { response, done } = observeResponseBody(
    answered,
    { status, headers: answer.headers },
    {
      ...answer.observe,
      // A response check that ends a stream (a guardrail or DLP block) fails the body with a GatewayError:
      // the client gets it as an error event in its format, where the surface has not said how already.
      ...(answered !== answer.response && !answer.observe?.failureTail
        ? {
            failureTail: (error: unknown) =>
              streamErrorEvent(answer.contentType, context.dialect, midStreamFailure(error)),
          }
        : {}),
      captureLimit: context.collect && record.options.collectLogPayload ? LOG_BODY_CAPTURE_LIMIT : 0,
      monotonic: deps.clock.monotonic,
      onClientAbort: (reason) => answer.abort(reason),
      beforeEnd:
        cache && !cache.hit
          ? (observation) => {
              // A response a check refused (DLP's BLOCK) is not stored.
              if (record.responseRefused) return Promise.resolve();
              stored = cache.storeIfWhole(observation);
              return waitForCacheWrite(stored);
            }
          : undefined,
    },
  );
  context.execution.waitUntil(
    done.then((observation) => {
      const logged = complete({
        status,
        contentType: answer.contentType,
        upstreamStartedAt: state.upstreamStartedAt,
        upstreamHeadersAt: answer.upstreamHeadersAt,
        observation,
        usage: answer.usage.finish(),
        error:
          answer.translationError?.() ??
          (observation.upstreamError ? failureOf(observation.upstreamError) : null),
        endedAt: observation.endedAt,
      });
      return Promise.all([logged, stored]);
    }),
  );
  return response;
}

/**
 * The answer after the response checks, with the headers they add set on the client's. Without a check
 * that applies it is the same Response, so a Node body is passed on as is, unread; a streamed Node body
 * the checks run over stays a Node stream (checks-stage.ts, streamChecked).
 */
async function checkedResponse(
  checks: PipelineChecks,
  answer: SurfaceAnswer,
  context: ResponseContext,
): Promise<Response> {
  // checkResponse gives the same response back when no check applies (asked once: DLP's builds a scan plan).
  const checked = await checkResponse(checks, answer.response, context);
  for (const [name, value] of Object.entries(checked.headers)) answer.headers.set(name, value);
  return checked.response;
}

/** A provider body that failed mid-way, as the log records it (code 7009, or 7010 for the idle timeout). */
function failureOf(error: unknown): { code: number; message: string } {
  const { code, message } = midStreamFailure(error);
  return { code, message };
}
