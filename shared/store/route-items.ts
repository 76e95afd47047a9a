import type { RouteElement } from "../routing/route-schema.ts";

export interface RouteDeployment {
  deployment_id: string;
  version_id: string;
  created_at: string;
  comment: string | null;
  /** Order of deployments on this route: the highest is the live one. */
  sequence: number;
}

export interface RouteVersion {
  version_id: string;
  route_id: string;
  /** Order of versions on this route, from 1. */
  sequence: number;
  /** The route graph as validated on save; never changed afterwards. */
  elements: RouteElement[];
  created_at: string;
  comment: string | null;
}

export interface StoredRoute {
  id: string;
  gateway_id: string;
  name: string;
  created_at: string;
  modified_at: string;
  /** The live deployment, and a copy of its version (elements included) so one read serves the proxy. */
  deployment: RouteDeployment;
  deployed_version: DeployedVersionSummary;
  deployed_elements: RouteElement[];
}

/** The live version's own fields, kept beside the deployment for rendering a route without a second read. */
export interface DeployedVersionSummary {
  version_id: string;
  created_at: string;
  comment: string | null;
}

export const summaryOf = (version: RouteVersion): DeployedVersionSummary => ({
  version_id: version.version_id,
  created_at: version.created_at,
  comment: version.comment,
});

/**
 * Elements are stored as JSON text (`deployed_elements` here, `elements` on a version): DynamoDB maps do
 * not keep key order, and a route reads back as saved.
 */
export function toRoute(item: Record<string, unknown>): StoredRoute {
  return {
    id: item.id as string,
    gateway_id: item.gateway_id as string,
    name: item.name as string,
    created_at: item.created_at as string,
    modified_at: item.modified_at as string,
    deployment: item.deployment as RouteDeployment,
    deployed_version: item.deployed_version as DeployedVersionSummary,
    deployed_elements: JSON.parse(item.deployed_elements as string) as RouteElement[],
  };
}

export function toVersion(item: Record<string, unknown>): RouteVersion {
  return {
    version_id: item.version_id as string,
    route_id: item.route_id as string,
    sequence: item.sequence as number,
    elements: JSON.parse(item.elements as string) as RouteElement[],
    created_at: item.created_at as string,
    comment: (item.comment as string | null | undefined) ?? null,
  };
}

export function toDeployment(item: Record<string, unknown>): RouteDeployment {
  return {
    deployment_id: item.deployment_id as string,
    version_id: item.version_id as string,
    created_at: item.created_at as string,
    comment: (item.comment as string | null | undefined) ?? null,
    sequence: item.sequence as number,
  };
}
