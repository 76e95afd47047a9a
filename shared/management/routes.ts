import { getAnalytics } from "./analytics-routes.ts";
import {
  createCustomProvider,
  deleteCustomProvider,
  getCustomProvider,
  listCustomProviders,
  updateCustomProvider,
} from "./custom-provider-routes.ts";
import {
  createCustomDlpProfile,
  deleteCustomDlpProfile,
  getCustomDlpProfile,
  getDlpProfile,
  listDlpProfiles,
  updateCustomDlpProfile,
} from "./dlp-profile-routes.ts";
import { createGateway, deleteGateway, getGateway, listGateways, updateGateway } from "./gateway-routes.ts";
import { getLogDeleteJob, listLogDeleteJobs } from "./log-delete-job-routes.ts";
import { deleteLogs, getLog, getLogRequest, getLogResponse, listLogs, updateLog } from "./log-routes.ts";
import { createProviderKey, deleteProviderKey, listProviderKeys } from "./provider-key-routes.ts";
import {
  createRoute,
  createRouteDeployment,
  createRouteVersion,
  deleteRoute,
  getRoute,
  getRouteVersion,
  listRouteDeployments,
  listRoutes,
  listRouteVersions,
  updateRoute,
} from "./route-routes.ts";
import type { ManagementRoute } from "./route-types.ts";
import { createToken, listTokens, revokeToken } from "./token-routes.ts";

/**
 * THE list of management routes, below `/client/v4/accounts/{account_id}/ai-gateway` (and, for the DLP
 * profiles, below `/client/v4/accounts/{account_id}`, as Cloudflare has them). Reads need the
 * `read` scope (or `edit`), changes need `edit`. A test walks this table with every kind of caller, and
 * fails when a route is added here without a row there.
 */
export const MANAGEMENT_ROUTES: readonly ManagementRoute[] = [
  { method: "POST", path: "/gateways", scope: "edit", handler: createGateway },
  { method: "GET", path: "/gateways", scope: "read", handler: listGateways },
  { method: "GET", path: "/gateways/{gateway_id}", scope: "read", handler: getGateway },
  { method: "PUT", path: "/gateways/{gateway_id}", scope: "edit", handler: updateGateway },
  { method: "DELETE", path: "/gateways/{gateway_id}", scope: "edit", handler: deleteGateway },

  { method: "GET", path: "/gateways/{gateway_id}/logs", scope: "read", handler: listLogs },
  { method: "DELETE", path: "/gateways/{gateway_id}/logs", scope: "edit", handler: deleteLogs },
  // Before /logs/{log_id}: the first route that matches a path wins, and log ids are never "deletes".
  { method: "GET", path: "/gateways/{gateway_id}/logs/deletes", scope: "read", handler: listLogDeleteJobs },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/logs/deletes/{job_id}",
    scope: "read",
    handler: getLogDeleteJob,
  },
  { method: "GET", path: "/gateways/{gateway_id}/logs/{log_id}", scope: "read", handler: getLog },
  { method: "PATCH", path: "/gateways/{gateway_id}/logs/{log_id}", scope: "edit", handler: updateLog },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/logs/{log_id}/request",
    scope: "read",
    handler: getLogRequest,
  },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/logs/{log_id}/response",
    scope: "read",
    handler: getLogResponse,
  },
  { method: "GET", path: "/gateways/{gateway_id}/analytics", scope: "read", handler: getAnalytics },

  {
    method: "POST",
    path: "/gateways/{gateway_id}/provider_configs",
    scope: "edit",
    handler: createProviderKey,
  },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/provider_configs",
    scope: "read",
    handler: listProviderKeys,
  },
  {
    method: "DELETE",
    path: "/gateways/{gateway_id}/provider_configs/{config_id}",
    scope: "edit",
    handler: deleteProviderKey,
  },

  { method: "POST", path: "/gateways/{gateway_id}/routes", scope: "edit", handler: createRoute },
  { method: "GET", path: "/gateways/{gateway_id}/routes", scope: "read", handler: listRoutes },
  { method: "GET", path: "/gateways/{gateway_id}/routes/{route_id}", scope: "read", handler: getRoute },
  { method: "PATCH", path: "/gateways/{gateway_id}/routes/{route_id}", scope: "edit", handler: updateRoute },
  { method: "DELETE", path: "/gateways/{gateway_id}/routes/{route_id}", scope: "edit", handler: deleteRoute },
  {
    method: "POST",
    path: "/gateways/{gateway_id}/routes/{route_id}/versions",
    scope: "edit",
    handler: createRouteVersion,
  },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/routes/{route_id}/versions",
    scope: "read",
    handler: listRouteVersions,
  },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/routes/{route_id}/versions/{version_id}",
    scope: "read",
    handler: getRouteVersion,
  },
  {
    method: "POST",
    path: "/gateways/{gateway_id}/routes/{route_id}/deployments",
    scope: "edit",
    handler: createRouteDeployment,
  },
  {
    method: "GET",
    path: "/gateways/{gateway_id}/routes/{route_id}/deployments",
    scope: "read",
    handler: listRouteDeployments,
  },

  { method: "POST", path: "/custom-providers", scope: "edit", handler: createCustomProvider },
  { method: "GET", path: "/custom-providers", scope: "read", handler: listCustomProviders },
  { method: "GET", path: "/custom-providers/{provider_id}", scope: "read", handler: getCustomProvider },
  { method: "PATCH", path: "/custom-providers/{provider_id}", scope: "edit", handler: updateCustomProvider },
  { method: "DELETE", path: "/custom-providers/{provider_id}", scope: "edit", handler: deleteCustomProvider },

  { method: "POST", path: "/tokens", scope: "edit", handler: createToken },
  { method: "GET", path: "/tokens", scope: "read", handler: listTokens },
  { method: "DELETE", path: "/tokens/{token_id}", scope: "edit", handler: revokeToken },

  { method: "GET", path: "/dlp/profiles", base: "", scope: "read", handler: listDlpProfiles },
  { method: "GET", path: "/dlp/profiles/{profile_id}", base: "", scope: "read", handler: getDlpProfile },
  { method: "POST", path: "/dlp/profiles/custom", base: "", scope: "edit", handler: createCustomDlpProfile },
  {
    method: "GET",
    path: "/dlp/profiles/custom/{profile_id}",
    base: "",
    scope: "read",
    handler: getCustomDlpProfile,
  },
  {
    method: "PUT",
    path: "/dlp/profiles/custom/{profile_id}",
    base: "",
    scope: "edit",
    handler: updateCustomDlpProfile,
  },
  {
    method: "DELETE",
    path: "/dlp/profiles/custom/{profile_id}",
    base: "",
    scope: "edit",
    handler: deleteCustomDlpProfile,
  },
];
