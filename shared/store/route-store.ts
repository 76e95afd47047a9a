import { randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { DeployedRoute, RouteReader } from "../routing/route-reader.ts";
import type { RouteElement } from "../routing/route-schema.ts";
import { GatewayStore } from "./gateway-store.ts";
import { DeployedRouteRead, type GatewayLookup } from "./route-deployed-read.ts";
import { RouteDeployments } from "./route-deployments.ts";
import { type RouteDeployment, type RouteVersion, type StoredRoute, summaryOf } from "./route-items.ts";
import type { RouteScope } from "./route-keys.ts";
import { RouteNameClaims } from "./route-name-claims.ts";
import { RouteRecords } from "./route-records.ts";
import { RouteVersions } from "./route-versions.ts";

export type { GatewayLookup } from "./route-deployed-read.ts";
export type { DeployedVersionSummary, RouteDeployment, RouteVersion, StoredRoute } from "./route-items.ts";
export type { RouteScope } from "./route-keys.ts";

/**
 * Dynamic routes (reference 5.3) in the config table, all under pk "ACCOUNT#{account}" (keys in
 * route-keys.ts):
 * - the route (route-records.ts): name, timestamps, the live deployment and a copy of the deployed
 *   version (so the proxy reads one item, not three);
 * - a name claim (route-name-claims.ts) -> route_id, written first with a condition: names are unique
 *   per gateway without transactions (dynalite has none), and the proxy finds `dynamic/<name>` with two
 *   GetItems (route-deployed-read.ts);
 * - each version (route-versions.ts): immutable, written once;
 * - each deployment (route-deployments.ts): the history, never rewritten.
 * A version and a deployment take their sequence from an atomic counter on the route item; a
 * deployment then moves the live pointer with a condition that its sequence is higher than the live
 * one's, so whatever order concurrent deploys land in, the live one has the highest sequence.
 * Elements are stored as JSON text: DynamoDB maps do not keep key order, and a route reads back as saved.
 * A write that fails half-way leaves at most an unreachable item (a version or claim without its
 * route), never a route that reads wrong; a stale name claim is detected and taken over.
 * This class composes those parts, and orders the writes that span them (create, rename, delete).
 */
export class RouteStore implements RouteReader {
  private readonly records: RouteRecords;
  private readonly claims: RouteNameClaims;
  private readonly versions: RouteVersions;
  private readonly deployments: RouteDeployments;
  private readonly deployedRead: DeployedRouteRead;

  /**
   * `findGateway` is how the proxy's reads learn the gateway's incarnation: the proxy passes its cached
   * gateway resolver, so a cache miss costs two GetItems (claim, route); by default the table is read.
   */
  constructor(client: DynamoDBDocumentClient, tableName: string, findGateway?: GatewayLookup) {
    const table = { client, tableName };
    this.records = new RouteRecords(table);
    this.claims = new RouteNameClaims(table, this.records);
    this.versions = new RouteVersions(table, this.records);
    this.deployments = new RouteDeployments(table, this.records, this.versions);
    const gateways = new GatewayStore(client, tableName);
    this.deployedRead = new DeployedRouteRead(
      findGateway ?? ((accountId, gatewayId) => gateways.get(accountId, gatewayId)),
      this.claims,
      this.records,
    );
  }

  /** Creates the route with its first version, deployed: a new route serves traffic at once. */
  async create(
    scope: RouteScope,
    input: { name: string; elements: RouteElement[]; now: Date },
  ): Promise<{ route: StoredRoute; version: RouteVersion }> {
    const timestamp = input.now.toISOString();
    const routeId = randomUUID();
    const version: RouteVersion = {
      version_id: randomUUID(),
      route_id: routeId,
      sequence: 1,
      elements: input.elements,
      created_at: timestamp,
      comment: null,
    };
    const deployment: RouteDeployment = {
      deployment_id: randomUUID(),
      version_id: version.version_id,
      created_at: timestamp,
      comment: null,
      sequence: 1,
    };
    const route: StoredRoute = {
      id: routeId,
      gateway_id: scope.gatewayId,
      name: input.name,
      created_at: timestamp,
      modified_at: timestamp,
      deployment,
      deployed_version: summaryOf(version),
      deployed_elements: input.elements,
    };
    await this.claims.claim(scope, input.name, routeId);
    try {
      // Version and history first: until the route item exists, nothing reaches them.
      await this.versions.put(scope, version);
      await this.deployments.put(scope, routeId, deployment);
      await this.records.putNew(scope, route);
    } catch (error) {
      await this.claims.release(scope, input.name, routeId);
      throw error;
    }
    return { route, version };
  }

  /** The gateway's routes, oldest first. */
  list(scope: RouteScope): Promise<StoredRoute[]> {
    return this.records.list(scope);
  }

  get(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    return this.records.get(scope, routeId);
  }

  /** Renames a route: the new name is claimed before and the old one released after. */
  async rename(
    scope: RouteScope,
    routeId: string,
    name: string,
    now: Date,
  ): Promise<StoredRoute | undefined> {
    const existing = await this.records.get(scope, routeId);
    if (!existing) return undefined;
    if (existing.name === name) return existing;
    await this.claims.claim(scope, name, routeId);
    let updated: StoredRoute | undefined;
    try {
      updated = await this.records.setName(scope, routeId, name, now);
    } catch (error) {
      await this.claims.release(scope, name, routeId);
      throw error;
    }
    if (!updated) {
      await this.claims.release(scope, name, routeId);
      return undefined;
    }
    // A concurrent rename may have moved it on already; release only the claim this route left.
    await this.claims.release(scope, existing.name, routeId);
    return updated;
  }

  /**
   * Deletes the route first (so it stops serving at once), then its name claim, versions and history.
   * Returns what was stored; undefined when there was none.
   */
  async delete(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    const deleted = await this.records.remove(scope, routeId);
    if (!deleted) return undefined;
    await this.claims.release(scope, deleted.name, routeId);
    await this.versions.deleteAll(scope, routeId);
    await this.deployments.deleteAll(scope, routeId);
    return deleted;
  }

  /** Deletes every route of this gateway incarnation (the gateway is being deleted); returns how many. */
  async deleteAllForGateway(scope: RouteScope): Promise<number> {
    const routes = await this.list(scope);
    for (const route of routes) await this.delete(scope, route.id);
    return routes.length;
  }

  /** Saves a new immutable version; it serves no traffic until deployed. Undefined: no such route. */
  createVersion(
    scope: RouteScope,
    routeId: string,
    input: { elements: RouteElement[]; comment: string | null; now: Date },
  ): Promise<RouteVersion | undefined> {
    return this.versions.create(scope, routeId, input);
  }

  /** The route's versions, newest first. */
  listVersions(scope: RouteScope, routeId: string): Promise<RouteVersion[]> {
    return this.versions.list(scope, routeId);
  }

  getVersion(scope: RouteScope, routeId: string, versionId: string): Promise<RouteVersion | undefined> {
    return this.versions.get(scope, routeId, versionId);
  }

  /**
   * Makes a version live: rolling back is deploying an earlier version. The route item's counter and
   * live pointer change in one conditional update, then the history item is written.
   */
  deploy(
    scope: RouteScope,
    routeId: string,
    input: { versionId: string; comment: string | null; now: Date },
  ): Promise<{ route: StoredRoute; deployment: RouteDeployment } | undefined> {
    return this.deployments.deploy(scope, routeId, input);
  }

  /** The deployment history, newest (the live one) first. */
  listDeployments(scope: RouteScope, routeId: string): Promise<RouteDeployment[]> {
    return this.deployments.list(scope, routeId);
  }

  /** For the proxy: the live version of the route with this name on the gateway as it exists now, or null. */
  getDeployedRoute(accountId: string, gatewayId: string, name: string): Promise<DeployedRoute | null> {
    return this.deployedRead.getDeployedRoute(accountId, gatewayId, name);
  }
}
