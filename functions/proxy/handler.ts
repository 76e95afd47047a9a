import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { CustomProfileDetectors } from "../../shared/checks/dlp/custom-profile-detectors.ts";
import { createDlpRequestCheck } from "../../shared/checks/dlp/dlp-request-check.ts";
import { createDlpResponseTransform } from "../../shared/checks/dlp/dlp-response-transform.ts";
import { guardrailChecks } from "../../shared/checks/guardrails/guardrail-checks.ts";
import { adminTokenSource } from "../../shared/config/admin-token.ts";
import { parseProxyEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { secretBoxFromEnv } from "../../shared/config/secret-box-from-env.ts";
import { systemClock } from "../../shared/core/clock.ts";
import { GatewayResolver } from "../../shared/core/gateway-resolver.ts";
import type { ProxyDependencies } from "../../shared/core/proxy-dependencies.ts";
import { routeProxyRequest } from "../../shared/core/route-proxy-request.ts";
import { RunTokenVerifier } from "../../shared/core/run-token-verifier.ts";
import { TtlCache } from "../../shared/core/ttl-cache.ts";
import { createHttpFetch } from "../../shared/http/http-fetch.ts";
import { UpstreamGuard } from "../../shared/http/upstream-guard.ts";
import { RateLimiter } from "../../shared/limits/rate-limiter.ts";
import { gatewayObserver } from "../../shared/observability/gateway-observer.ts";
import {
  createGatewayTelemetry,
  traceAwsClient,
  traceInvocation,
} from "../../shared/observability/gateway-telemetry.ts";
import type { PipelineChecks } from "../../shared/pipeline/checks-stage.ts";
import { GOOGLE_TOKEN_URL, GoogleTokenMinter } from "../../shared/providers/google-service-account.ts";
import { LeanSqsClient } from "../../shared/queue/lean-sqs-client.ts";
import { SqsLogSink } from "../../shared/queue/log-sink.ts";
import { SdkSqsClient } from "../../shared/queue/sdk-sqs-client.ts";
import type { SqsSendClient } from "../../shared/queue/sqs-send-client.ts";
import type { DeployedRoute } from "../../shared/routing/route-reader.ts";
import { CacheStore } from "../../shared/store/cache-store.ts";
import { CustomProviderStore } from "../../shared/store/custom-provider-store.ts";
import { DlpProfileStore } from "../../shared/store/dlp-profile-store.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { ProviderKeyStore } from "../../shared/store/provider-key-store.ts";
import { RateLimitStore } from "../../shared/store/rate-limit-store.ts";
import { RouteStore } from "../../shared/store/route-store.ts";
import { SpendStore } from "../../shared/store/spend-store.ts";
import { TokenStore } from "../../shared/store/token-store.ts";
import { eventToRequest } from "../lib/event-to-request.ts";
import { firstByteTimeLeft } from "../lib/first-byte-deadline.ts";
import { streamResponse } from "../lib/stream-response.ts";

// Built once per instance (cold start): configuration, clients, and the in-memory caches.
const env = parseProxyEnv();
const logger = createLogger("ai-gateway-proxy");
// EMF metrics after each response, X-Ray subsegments when traced (docs/observability.md).
const telemetry = await createGatewayTelemetry(logger);
const documentClient = traceAwsClient(telemetry.tracer, createDocumentClient());
const secretBox = secretBoxFromEnv(env);
const providerKeyStore = secretBox
  ? new ProviderKeyStore(documentClient, env.CONFIG_TABLE_NAME, secretBox)
  : null;
const providerKeyCache = new TtlCache<{ secret: string } | { aliases: string[] }>(env.CONFIG_CACHE_TTL_MS);
const routeCache = new TtlCache<DeployedRoute | null>(env.CONFIG_CACHE_TTL_MS);

const gatewayResolver = new GatewayResolver(
  new GatewayStore(documentClient, env.CONFIG_TABLE_NAME),
  env.CONFIG_CACHE_TTL_MS,
  systemClock,
);
// Reads a route's gateway through the resolver's cache: a route cache miss is two GetItems.
const routeStore = new RouteStore(documentClient, env.CONFIG_TABLE_NAME, (accountId, gatewayId) =>
  gatewayResolver.find(accountId, gatewayId),
);

// Custom DLP profiles the gateways name, read at most once per CONFIG_CACHE_TTL_MS (as gateways are).
const customDlpProfiles = new CustomProfileDetectors(
  new DlpProfileStore(documentClient, env.CONFIG_TABLE_NAME),
  env.CONFIG_CACHE_TTL_MS,
);

const upstreamGuard = new UpstreamGuard(env.TRUSTED_UPSTREAM_HOSTS.split(","));

function logQueueClient(): SqsSendClient {
  if (env.LOG_QUEUE_CLIENT === "lean") return new LeanSqsClient({ tracer: telemetry.tracer });
  const client = new SdkSqsClient();
  traceAwsClient(telemetry.tracer, client.sdkClient);
  return client;
}

const deps: ProxyDependencies = {
  accountId: env.ACCOUNT_ID,
  gateways: gatewayResolver,
  adminToken: adminTokenSource(env),
  runTokens: new RunTokenVerifier(
    new TokenStore(documentClient, env.CONFIG_TABLE_NAME),
    env.TOKEN_CACHE_TTL_MS,
    systemClock,
  ),
  providerKeys: providerKeyStore && {
    // Opened keys are kept for CONFIG_CACHE_TTL_MS: a rotation or deletion reaches the proxy within it.
    resolve: (accountId, gatewayId, providerSlug, alias) =>
      providerKeyCache.get(`${accountId}/${gatewayId}/${providerSlug}/${alias}`, () =>
        providerKeyStore.resolve(accountId, gatewayId, providerSlug, alias),
      ),
  },
  awsCredentials: defaultProvider(),
  // Vertex AI access tokens, minted from service accounts and kept per warm Lambda until shortly before
  // they expire. UPSTREAM_GOOGLE_OAUTH_URL (tests: the mock) replaces Google's token endpoint.
  googleTokens: new GoogleTokenMinter({
    tokenUrl: env.upstreamOverrides["google-oauth"] ?? GOOGLE_TOKEN_URL,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => systemClock.now(),
    // Checked, not pinned: this endpoint is the operator's setting, never a user's.
    checkUrl: async (url) => {
      await upstreamGuard.check(url);
    },
  }),
  // The live version of each `dynamic/<name>` route is kept for CONFIG_CACHE_TTL_MS: a deployment (or a
  // rollback) serves every request within that time of its POST (docs/management-api.md).
  routes: {
    getDeployedRoute: (accountId, gatewayId, name) =>
      routeCache.get(`${accountId}/${gatewayId}/${name}`, () =>
        routeStore.getDeployedRoute(accountId, gatewayId, name),
      ),
  },
  customProviders: new CustomProviderStore(documentClient, env.CONFIG_TABLE_NAME),
  customProviderCache: new TtlCache(env.CONFIG_CACHE_TTL_MS),
  upstreamGuard,
  logSink: new SqsLogSink(
    // The lean client unless LOG_QUEUE_CLIENT=sdk: the SDK's SQSClient's per-call CPU was the largest
    // piece of a request's own (lean-sqs-client.ts).
    logQueueClient(),
    env.LOG_QUEUE_URL,
    logger,
    {
      lingerMs: env.LOG_BATCH_LINGER_MS,
      retryForMs: env.LOG_QUEUE_RETRY_MS,
      onFailure: () => telemetry.metrics.logPipelineFailure(),
    },
  ),
  fetch: createHttpFetch(),
  clock: systemClock,
  logger,
  upstreamOverrides: env.upstreamOverrides,
  upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  maxRequestBodyBytes: env.MAX_REQUEST_BODY_BYTES,
  deadlineMarginMs: env.DEADLINE_MARGIN_MS,
  observer: gatewayObserver(telemetry.metrics, telemetry.tracer),
  // Response cache and rate-limit counters, shared by every instance (docs/caching.md, docs/rate-limiting.md).
  responseCache: new CacheStore(documentClient, env.STATE_TABLE_NAME),
  spend: new SpendStore(documentClient, env.STATE_TABLE_NAME),
  rateLimiter: new RateLimiter(new RateLimitStore(documentClient, env.STATE_TABLE_NAME)),
  onRateLimitFailOpen: () => telemetry.metrics.rateLimitFailOpen(),
  checks: proxyChecks(),
};

/**
 * The checks slot (shared/pipeline/checks-stage.ts). DLP first (docs/dlp.md): a redacted request is what the
 * guardrails scan and the provider reads; a response is redacted before the guardrails scan it. Guardrails
 * (docs/guardrails.md) use the scanner the stack names. A gateway with neither on costs nothing.
 */
function proxyChecks(): PipelineChecks {
  const guardrails = guardrailChecks({
    env,
    logger,
    awsCredentials: defaultProvider(),
    region: process.env.AWS_REGION ?? "us-east-1",
    fetch: (input, init) => globalThis.fetch(input, init),
  });
  return {
    requests: [createDlpRequestCheck(customDlpProfiles), ...guardrails.requests],
    responses: [createDlpResponseTransform(), ...guardrails.responses],
  };
}

/**
 * The proxy Lambda, streaming. Not wrapped in middy: middy's streaming mode returns once the body is
 * piped and skips its end hook when the client leaves mid-stream, and this handler must keep running
 * until the log event is queued in both cases (Lambda may freeze the instance once the handler returns).
 */
export const handler = awslambda.streamifyResponse<APIGatewayProxyEvent>((event, responseStream, lambda) => {
  // The invocation ends when this promise does, which is after its own pending work (the log event) has
  // settled: a handle left open by a client library (a keep-alive socket, a timer) must not keep the
  // instance running, and billed, until the timeout.
  lambda.callbackWaitsForEmptyEventLoop = false;
  // One subsegment for the invocation (the provider call is its child), closed once the log is queued.
  return traceInvocation(telemetry.tracer, "proxy", async () => {
    const pending: Promise<unknown>[] = [];
    const response = await routeProxyRequest(eventToRequest(event), deps, {
      waitUntil: (work) => pending.push(work),
      // Retries and timeouts stop short of the Lambda deadline and of API Gateway's idle timeout, so the
      // client gets the gateway's 504 and the log is kept.
      remainingTimeMs: firstByteTimeLeft(
        event,
        () => lambda.getRemainingTimeInMillis(),
        env.FIRST_BYTE_DEADLINE_MS,
      ),
    });
    await streamResponse(response, responseStream);
    await Promise.allSettled(pending);
  });
});
