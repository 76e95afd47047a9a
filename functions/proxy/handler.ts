import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { adminTokenSource } from "../../shared/config/admin-token.ts";
import { parseProxyEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { systemClock } from "../../shared/core/clock.ts";
import { GatewayResolver } from "../../shared/core/gateway-resolver.ts";
import { handleProviderRequest, type ProxyDependencies } from "../../shared/core/handle-provider-request.ts";
import { SqsLogSink } from "../../shared/queue/log-sink.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { eventToRequest } from "../lib/event-to-request.ts";
import { streamResponse } from "../lib/stream-response.ts";

// Built once per instance (cold start): configuration, clients, and the in-memory gateway cache.
const env = parseProxyEnv();
const logger = createLogger("ai-gateway-proxy");
const deps: ProxyDependencies = {
  accountId: env.ACCOUNT_ID,
  gateways: new GatewayResolver(
    new GatewayStore(createDocumentClient(), env.CONFIG_TABLE_NAME),
    env.CONFIG_CACHE_TTL_MS,
    systemClock,
  ),
  adminToken: adminTokenSource(env),
  logSink: new SqsLogSink(new SQSClient({}), env.LOG_QUEUE_URL, logger),
  fetch: globalThis.fetch,
  clock: systemClock,
  logger,
  upstreamOverrides: env.upstreamOverrides,
  upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  maxRequestBodyBytes: env.MAX_REQUEST_BODY_BYTES,
};

/**
 * The proxy Lambda, streaming. Not wrapped in middy: middy's streaming mode returns once the body is
 * piped and skips its end hook when the client leaves mid-stream, and this handler must keep running
 * until the log event is queued in both cases (Lambda may freeze the instance once the handler returns).
 */
export const handler = awslambda.streamifyResponse<APIGatewayProxyEvent>(async (event, responseStream) => {
  const pending: Promise<unknown>[] = [];
  const response = await handleProviderRequest(eventToRequest(event), deps, {
    waitUntil: (work) => pending.push(work),
  });
  await streamResponse(response, responseStream);
  await Promise.allSettled(pending);
});
