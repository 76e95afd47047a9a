import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { adminTokenSource } from "../../shared/config/admin-token.ts";
import { parseApiEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import { secretBoxFromEnv } from "../../shared/config/secret-box-from-env.ts";
import { consoleAssetsLoader } from "../../shared/console/console-assets.ts";
import {
  createConsoleHandler,
  isConsolePath,
  trailingSlashRedirect,
} from "../../shared/console/serve-console.ts";
import { systemClock } from "../../shared/core/clock.ts";
import { GatewayError } from "../../shared/core/gateway-error.ts";
import { errorResponse } from "../../shared/http/error-response.ts";
import { DEFAULT_LOG_DELETE_SLICE_SIZE, LogDeleteJobs } from "../../shared/logs/log-delete-jobs.ts";
import { LogDeleteQueue } from "../../shared/logs/log-delete-message.ts";
import {
  createManagementHandler,
  type ManagementDependencies,
} from "../../shared/management/handle-management-request.ts";
import { SdkSqsClient } from "../../shared/queue/sdk-sqs-client.ts";
import { AnalyticsStore } from "../../shared/store/analytics-store.ts";
import { CustomProviderStore } from "../../shared/store/custom-provider-store.ts";
import { DlpProfileStore } from "../../shared/store/dlp-profile-store.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../shared/store/log-counter-store.ts";
import { LogDeleteJobStore } from "../../shared/store/log-delete-job-store.ts";
import { logStoreFromEnv } from "../../shared/store/log-store-from-env.ts";
import { ProviderKeyStore } from "../../shared/store/provider-key-store.ts";
import { RouteStore } from "../../shared/store/route-store.ts";
import { TokenStore } from "../../shared/store/token-store.ts";
import { eventToRequest } from "../lib/event-to-request.ts";
import { logUnexpectedError, powertoolsMiddlewares } from "../lib/powertools-middlewares.ts";
import { responseToResult } from "../lib/response-to-result.ts";

// Built once per instance (cold start): configuration, clients, and the token lookup cache.
const env = parseApiEnv();
const logger = createLogger("ai-gateway-api");
const documentClient = createDocumentClient();
// KMS on AWS (PROVIDER_KEYS_KMS_KEY_ID), a local key file under npm start; neither: provider keys answer 501.
const secretBox = secretBoxFromEnv(env);
const deps: ManagementDependencies = {
  accountId: env.ACCOUNT_ID,
  gateways: new GatewayStore(documentClient, env.CONFIG_TABLE_NAME),
  logs: logStoreFromEnv(documentClient, env),
  counters: new LogCounterStore(documentClient, env.LOGS_TABLE_NAME),
  analytics: new AnalyticsStore(documentClient, env.LOGS_TABLE_NAME),
  // DELETE .../logs records a job and queues it; the log-deleter function does the deleting.
  logDeleteJobs: new LogDeleteJobs(
    new LogDeleteJobStore(documentClient, env.LOGS_TABLE_NAME),
    new LogDeleteQueue(new SdkSqsClient(), env.LOG_DELETE_QUEUE_URL),
    DEFAULT_LOG_DELETE_SLICE_SIZE,
  ),
  logDeleteWaitMs: env.LOG_DELETE_WAIT_MS,
  analyticsMaxHours: env.ANALYTICS_MAX_HOURS,
  tokens: new TokenStore(documentClient, env.CONFIG_TABLE_NAME),
  providerKeys: secretBox ? new ProviderKeyStore(documentClient, env.CONFIG_TABLE_NAME, secretBox) : null,
  customProviders: new CustomProviderStore(documentClient, env.CONFIG_TABLE_NAME),
  dlpProfiles: new DlpProfileStore(documentClient, env.CONFIG_TABLE_NAME),
  routes: new RouteStore(documentClient, env.CONFIG_TABLE_NAME),
  adminToken: adminTokenSource(env),
  logger,
  tokenCacheTtlMs: env.TOKEN_CACHE_TTL_MS,
  clock: systemClock,
};
const handleManagementRequest = createManagementHandler(deps);
// The web console (console/): its page at `/` and its files under `/console/`, built once per instance.
const handleConsoleRequest = createConsoleHandler({
  accountId: env.ACCOUNT_ID,
  assets: consoleAssetsLoader(),
});

async function serveApiRequest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  if (event.path === "/") {
    const redirect = trailingSlashRedirect(event.requestContext?.path);
    if (redirect) return responseToResult(redirect);
  }
  const request = eventToRequest(event);
  const handle = isConsolePath(event.path) ? handleConsoleRequest : handleManagementRequest;
  return responseToResult(await handle(request));
}

/**
 * The management API Lambda: `/client/v4/accounts/{account_id}/ai-gateway/...` and `.../dlp/...`, and
 * the web console.
 * middy carries Powertools' Lambda context into every log line (and the X-Ray subsegment when traced); an
 * error nothing below caught is logged with that context and answered as a 500 in the Cloudflare envelope,
 * its details kept out of the answer.
 */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(await powertoolsMiddlewares(logger))
  .use(
    logUnexpectedError(logger, "api invocation failed", (error) =>
      responseToResult(errorResponse(GatewayError.internal(error), "cloudflare")),
    ),
  )
  .handler(serveApiRequest);
