import { v7 as uuidv7 } from "uuid";
import { errorResponse } from "../http/error-response.ts";
import { readBoundedBody } from "../pipeline/request-body.ts";
import { resolveRetryPolicy } from "../resilience/retry-policy.ts";
import { handleUnifiedRequest } from "../unified/handle-unified-request.ts";
import { findDotSegment } from "./dot-segments.ts";
import type { ExecutionContext } from "./execution-context.ts";
import { resolveGatewayAccess } from "./gateway-access.ts";
import { GatewayError, toGatewayError } from "./gateway-error.ts";
import { handleProviderRequest } from "./handle-provider-request.ts";
import { resolveProviderTarget } from "./provider-target.ts";
import type { ProxyDependencies } from "./proxy-dependencies.ts";
import { parseRequestOptions } from "./request-options.ts";
import type { StepContext } from "./universal-steps.ts";
import { parseUniversalSteps, type UniversalStep } from "./universal-steps.ts";

const UNIVERSAL_PATH = /^\/v1\/([^/]+)\/([^/]+)\/?$/;

/** `/v1/{account}/{gateway}` with no provider segment: the universal endpoint (reference 1.4). */
export function isUniversalPath(pathname: string): boolean {
  return UNIVERSAL_PATH.test(pathname);
}

/** Request headers a step must not inherit: they describe the array, not the step's own body. */
const BODY_HEADERS = ["content-length", "content-type", "transfer-encoding"];

/**
 * The universal endpoint: a JSON array of provider requests tried in order. Each step runs through the
 * provider-native pipeline (cache, rate limit, spend, credentials, retries, log) as its own provider-native
 * request; a step that fails after its retries, or times out, falls through to the next. The answer comes
 * from the first step that succeeds, or the last step's failure, with `cf-aig-step` naming the step.
 */
export async function handleUniversalRequest(
  request: Request,
  deps: ProxyDependencies,
  context: ExecutionContext,
): Promise<Response> {
  const url = new URL(request.url);
  const [, accountId = "", gatewayId = ""] = UNIVERSAL_PATH.exec(url.pathname) ?? [];
  let steps: UniversalStep[];
  try {
    if (request.method !== "POST") throw GatewayError.badRequest("The universal endpoint takes POST only");
    await resolveGatewayAccess(safeDecode(accountId), safeDecode(gatewayId), request.headers, deps);
    // Bad request-level headers are refused once, before any step is tried.
    parseRequestOptions(request.headers);
    resolveRetryPolicy(request.headers, { retry_max_attempts: null, retry_delay: null, retry_backoff: null });
    steps = parseUniversalSteps(await readJson(request, deps.maxRequestBodyBytes));
    for (const [index, step] of steps.entries()) {
      // A step's path is built into a URL, which would resolve `..` into another gateway's or provider's path.
      if (findDotSegment(step.endpoint) !== undefined)
        throw GatewayError.badRequest(
          `Invalid universal request: step ${index}: endpoint has a "." or ".." segment`,
        );
      // Unknown providers (and custom providers that do not exist) are refused before anything is sent:
      // in a step array that is bad input (400), where on a provider path it is a missing route (404).
      // Workers AI steps run on the unified pipeline (platform models), not through a provider target.
      if (step.provider === WORKERS_AI) continue;
      await resolveProviderTarget(safeDecode(accountId), step.provider, step.endpoint, "", deps).catch(
        (caught: unknown) => {
          const error = toGatewayError(caught);
          throw error.status === 404
            ? GatewayError.badRequest(`Invalid universal request: step ${index}: ${error.message}`)
            : error;
        },
      );
    }
  } catch (caught) {
    const error = toGatewayError(caught);
    deps.logger.warn("universal request refused", { path: url.pathname.slice(0, 300), status: error.status });
    return errorResponse(error, "openai", error.headers);
  }

  const stepContext: StepContext = { step: 0, attemptsBefore: 0, requestId: uuidv7() };
  for (const [index, step] of steps.entries()) {
    stepContext.step = index;
    stepContext.attemptsUsed = 1;
    const stepped = stepRequest(request, url, accountId, gatewayId, step);
    // A workers-ai step (`endpoint: "@cf/..."`) is a Workers AI run: the unified pipeline serves it, with
    // its own row (docs/platform-models.md); every other step is a provider-native request.
    const response =
      step.provider === WORKERS_AI
        ? await handleUnifiedRequest(stepped, deps, context, stepContext)
        : await handleProviderRequest(stepped, deps, context, stepContext);
    const last = index === steps.length - 1;
    if (response.status < 400 || last) {
      response.headers.set("cf-aig-step", String(index));
      return response;
    }
    // Read to the end so the step's log row is complete (an error body is small), then fall through.
    await response.arrayBuffer().catch(() => {});
    stepContext.attemptsBefore += stepContext.attemptsUsed;
  }
  throw new Error("unreachable: the last step always answers");
}

const WORKERS_AI = "workers-ai";

/** One step as a provider-native request: step headers over request headers (over gateway settings). */
function stepRequest(
  request: Request,
  url: URL,
  accountId: string,
  gatewayId: string,
  step: UniversalStep,
): Request {
  const headers = new Headers(request.headers);
  for (const name of BODY_HEADERS) headers.delete(name);
  for (const [name, value] of Object.entries({ ...step.headers, ...step.configHeaders }))
    headers.set(name, value);
  headers.set("content-type", "application/json");
  const target = new URL(`/v1/${accountId}/${gatewayId}/${step.provider}/${step.endpoint}`, url.origin);
  return new Request(target, { method: "POST", headers, body: JSON.stringify(step.query) });
}

async function readJson(request: Request, limit: number): Promise<unknown> {
  const body = await readBoundedBody(request, limit);
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw GatewayError.badRequest("Invalid universal request: the body is not valid JSON");
  }
}

/** A path segment that is not valid percent-encoding is used as it is (it then names no gateway). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
