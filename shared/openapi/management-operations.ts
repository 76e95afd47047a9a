import { z } from "zod";
import { analyticsQuerySchema } from "../management/analytics-routes.ts";
import { listQuerySchema as gatewayListQuerySchema } from "../management/gateway-routes.ts";
import { listJobsQuerySchema as logDeleteJobListQuerySchema } from "../management/log-delete-job-routes.ts";
import {
  deleteQuerySchema as logDeleteQuerySchema,
  listQuerySchema as logListQuerySchema,
  patchSchema as logPatchSchema,
} from "../management/log-routes.ts";
import { listQuerySchema as providerKeyListQuerySchema } from "../management/provider-key-routes.ts";
import { listQuerySchema as routeListQuerySchema } from "../management/route-routes.ts";
import { listQuerySchema as tokenListQuerySchema } from "../management/token-routes.ts";
import { routeElementsSchema } from "../routing/route-schema.ts";
import { tokenCreateInputSchema } from "../schemas/api-token.ts";
import {
  customProviderCreateInputSchema,
  customProviderListQuerySchema,
  customProviderPatchInputSchema,
} from "../schemas/custom-provider.ts";
import { customDlpProfileInputSchema } from "../schemas/dlp-profile.ts";
import { gatewaySchema } from "../schemas/gateway.ts";
import { gatewayCreateInputSchema, gatewayUpdateInputSchema } from "../schemas/gateway-input.ts";
import { providerKeyCreateInputSchema } from "../schemas/provider-key.ts";
import {
  routeCreateInputSchema,
  routeDeploymentInputSchema,
  routeUpdateInputSchema,
  routeVersionInputSchema,
} from "../schemas/route-input.ts";

/**
 * What the OpenAPI document says about one management route: its query and body are the zod schemas its
 * handler validates with (imported from the handler's module, never restated), its result where a schema
 * of it exists.
 */
export interface OperationSpec {
  summary: string;
  tag: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The envelope's `result`; absent: an object the schema does not detail. */
  result?: z.ZodType;
  list?: boolean;
}

/** A gateway as the API returns it (renderGateway): the stored fields, less internal ones, plus is_default. */
const renderedGatewaySchema = gatewaySchema
  .omit({ cache_generation: true })
  .extend({ is_default: z.boolean(), cors_allowed_origins: z.array(z.string()) });

/**
 * The bodies of routes and versions: the input schema checks `elements` only as an array, and the handler
 * then checks them with routeElementsSchema (and the graph rules): the document shows that schema.
 */
const routeCreateBody = routeCreateInputSchema.extend({ elements: routeElementsSchema });
const routeVersionBody = routeVersionInputSchema.extend({ elements: routeElementsSchema });

/** Schemas named once in the document's components, referred to wherever they are used. */
export const NAMED_MANAGEMENT_SCHEMAS = [
  [renderedGatewaySchema, "Gateway"],
  [gatewayCreateInputSchema, "GatewayCreate"],
  [gatewayUpdateInputSchema, "GatewayUpdate"],
  [routeCreateBody, "RouteCreate"],
  [routeVersionBody, "RouteVersionCreate"],
] as const;

/**
 * One entry per MANAGEMENT_ROUTES row, keyed `METHOD path`; a test fails when a route has no entry here
 * (or an entry names no route).
 */
export const MANAGEMENT_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  "POST /gateways": {
    summary: "Create a gateway",
    tag: "Gateways",
    body: gatewayCreateInputSchema,
    result: renderedGatewaySchema,
  },
  "GET /gateways": {
    summary: "List gateways",
    tag: "Gateways",
    query: gatewayListQuerySchema,
    result: renderedGatewaySchema,
    list: true,
  },
  "GET /gateways/{gateway_id}": { summary: "Get a gateway", tag: "Gateways", result: renderedGatewaySchema },
  "PUT /gateways/{gateway_id}": {
    summary: "Update a gateway (the five required fields, and the optional fields it names)",
    tag: "Gateways",
    body: gatewayUpdateInputSchema,
    result: renderedGatewaySchema,
  },
  "DELETE /gateways/{gateway_id}": { summary: "Delete a gateway", tag: "Gateways" },

  "GET /gateways/{gateway_id}/logs": {
    summary: "List logs",
    tag: "Logs",
    query: logListQuerySchema,
    list: true,
  },
  "DELETE /gateways/{gateway_id}/logs": {
    summary: "Delete the logs that match the filters (a job: 200 once done, 202 while it runs)",
    tag: "Logs",
    query: logDeleteQuerySchema,
  },
  "GET /gateways/{gateway_id}/logs/deletes": {
    summary: "List the gateway's recent log-delete jobs, newest first (our extension)",
    tag: "Logs",
    query: logDeleteJobListQuerySchema,
  },
  "GET /gateways/{gateway_id}/logs/deletes/{job_id}": {
    summary: "Get a log-delete job and its progress (our extension)",
    tag: "Logs",
  },
  "GET /gateways/{gateway_id}/logs/{log_id}": { summary: "Get a log", tag: "Logs" },
  "PATCH /gateways/{gateway_id}/logs/{log_id}": {
    summary: "Set a log's feedback, score or metadata",
    tag: "Logs",
    body: logPatchSchema,
  },
  "GET /gateways/{gateway_id}/logs/{log_id}/request": { summary: "Get a log's request body", tag: "Logs" },
  "GET /gateways/{gateway_id}/logs/{log_id}/response": { summary: "Get a log's response body", tag: "Logs" },
  "GET /gateways/{gateway_id}/analytics": {
    summary: "A gateway's figures per hour or day (our extension)",
    tag: "Analytics",
    query: analyticsQuerySchema,
  },

  "POST /gateways/{gateway_id}/provider_configs": {
    summary: "Store a provider key (BYOK)",
    tag: "Provider keys",
    body: providerKeyCreateInputSchema,
  },
  "GET /gateways/{gateway_id}/provider_configs": {
    summary: "List stored provider keys (previews, never secrets)",
    tag: "Provider keys",
    query: providerKeyListQuerySchema,
    list: true,
  },
  "DELETE /gateways/{gateway_id}/provider_configs/{config_id}": {
    summary: "Delete a stored provider key",
    tag: "Provider keys",
  },

  "POST /gateways/{gateway_id}/routes": {
    summary: "Create a dynamic route (its first version, deployed)",
    tag: "Dynamic routes",
    body: routeCreateBody,
  },
  "GET /gateways/{gateway_id}/routes": {
    summary: "List dynamic routes",
    tag: "Dynamic routes",
    query: routeListQuerySchema,
    list: true,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}": { summary: "Get a dynamic route", tag: "Dynamic routes" },
  "PATCH /gateways/{gateway_id}/routes/{route_id}": {
    summary: "Rename a dynamic route",
    tag: "Dynamic routes",
    body: routeUpdateInputSchema,
  },
  "DELETE /gateways/{gateway_id}/routes/{route_id}": {
    summary: "Delete a dynamic route",
    tag: "Dynamic routes",
  },
  "POST /gateways/{gateway_id}/routes/{route_id}/versions": {
    summary: "Create a version of a dynamic route (not live until deployed)",
    tag: "Dynamic routes",
    body: routeVersionBody,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/versions": {
    summary: "List a dynamic route's versions",
    tag: "Dynamic routes",
    list: true,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/versions/{version_id}": {
    summary: "Get a version of a dynamic route",
    tag: "Dynamic routes",
  },
  "POST /gateways/{gateway_id}/routes/{route_id}/deployments": {
    summary: "Deploy a version (or roll back to an earlier one)",
    tag: "Dynamic routes",
    body: routeDeploymentInputSchema,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/deployments": {
    summary: "List a dynamic route's deployments",
    tag: "Dynamic routes",
    list: true,
  },

  "POST /custom-providers": {
    summary: "Create a custom provider",
    tag: "Custom providers",
    body: customProviderCreateInputSchema,
  },
  "GET /custom-providers": {
    summary: "List custom providers",
    tag: "Custom providers",
    query: customProviderListQuerySchema,
    list: true,
  },
  "GET /custom-providers/{provider_id}": { summary: "Get a custom provider", tag: "Custom providers" },
  "PATCH /custom-providers/{provider_id}": {
    summary: "Change a custom provider",
    tag: "Custom providers",
    body: customProviderPatchInputSchema,
  },
  "DELETE /custom-providers/{provider_id}": { summary: "Delete a custom provider", tag: "Custom providers" },
  "GET /dlp/profiles": { summary: "List DLP profiles (predefined and custom)", tag: "DLP profiles" },
  "GET /dlp/profiles/{profile_id}": { summary: "Get a DLP profile", tag: "DLP profiles" },
  "POST /dlp/profiles/custom": {
    summary: "Create a custom DLP profile (or several: Cloudflare's older body {profiles: [...]})",
    tag: "DLP profiles",
    body: customDlpProfileInputSchema,
  },
  "GET /dlp/profiles/custom/{profile_id}": { summary: "Get a custom DLP profile", tag: "DLP profiles" },
  "PUT /dlp/profiles/custom/{profile_id}": {
    summary: "Replace a custom DLP profile (entries kept when omitted)",
    tag: "DLP profiles",
    body: customDlpProfileInputSchema,
  },
  "DELETE /dlp/profiles/custom/{profile_id}": { summary: "Delete a custom DLP profile", tag: "DLP profiles" },

  "POST /tokens": {
    summary: "Create an API token (its value is shown once)",
    tag: "API tokens (our extension)",
    body: tokenCreateInputSchema,
  },
  "GET /tokens": {
    summary: "List API tokens (never their values)",
    tag: "API tokens (our extension)",
    query: tokenListQuerySchema,
    list: true,
  },
  "DELETE /tokens/{token_id}": { summary: "Revoke an API token", tag: "API tokens (our extension)" },
};
