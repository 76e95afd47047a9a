import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { adminTokenSource } from "../../shared/config/admin-token.ts";
import { parseApiEnv } from "../../shared/config/env.ts";
import { createLogger } from "../../shared/config/logger.ts";
import {
  handleManagementRequest,
  type ManagementDependencies,
} from "../../shared/management/handle-management-request.ts";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogStore } from "../../shared/store/log-store.ts";
import { eventToRequest } from "../lib/event-to-request.ts";
import { responseToResult } from "../lib/response-to-result.ts";

const env = parseApiEnv();
const logger = createLogger("ai-gateway-api");
const documentClient = createDocumentClient();
const deps: ManagementDependencies = {
  accountId: env.ACCOUNT_ID,
  gateways: new GatewayStore(documentClient, env.CONFIG_TABLE_NAME),
  logs: new LogStore(documentClient, env.LOGS_TABLE_NAME),
  adminToken: adminTokenSource(env),
  logger,
};

/** The management API Lambda: `/client/v4/accounts/{account_id}/ai-gateway/...`. */
export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().handler(async (event) =>
  responseToResult(await handleManagementRequest(eventToRequest(event), deps)),
);
