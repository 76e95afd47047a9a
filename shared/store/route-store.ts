import { randomUUID } from "node:crypto";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { GatewayError } from "../core/gateway-error.ts";
import type { DeployedRoute, RouteReader } from "../routing/route-reader.ts";
import type { RouteElement } from "../routing/route-schema.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { conflict, isConditionFailure } from "./conflict-error.ts";
import { GatewayStore } from "./gateway-store.ts";
import { queryAllPages } from "./query-all-pages.ts";

/**
 * The gateway a route belongs to, and which incarnation of it: a gateway deleted and re-created with the
 * same id has a new created_at, so it starts with no routes (the keys below include it).
 */
export interface RouteScope {
  accountId: string;
  gatewayId: string;
  gatewayCreatedAt: string;
}

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

const summaryOf = (version: RouteVersion): DeployedVersionSummary => ({
  version_id: version.version_id,
  created_at: version.created_at,
  comment: version.comment,
});

const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
/** Gateway ids have no "#" or "@", route names no "#": these prefixes cannot overlap. */
const scopeOf = (scope: RouteScope) => `${scope.gatewayId}@${scope.gatewayCreatedAt}`;
const routePrefix = (scope: RouteScope) => `ROUTE#${scopeOf(scope)}#`;
const namePrefix = (scope: RouteScope) => `ROUTE_NAME#${scopeOf(scope)}#`;
const versionPrefix = (scope: RouteScope, routeId: string) => `ROUTE_VERSION#${scopeOf(scope)}#${routeId}#`;
const deploymentPrefix = (scope: RouteScope, routeId: string) =>
  `ROUTE_DEPLOYMENT#${scopeOf(scope)}#${routeId}#`;
/** Zero-padded so the sort key orders deployments by sequence. */
const sequenceKey = (sequence: number) => String(sequence).padStart(10, "0");

function toRoute(item: Record<string, unknown>): StoredRoute {
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

function toVersion(item: Record<string, unknown>): RouteVersion {
  return {
    version_id: item.version_id as string,
    route_id: item.route_id as string,
    sequence: item.sequence as number,
    elements: JSON.parse(item.elements as string) as RouteElement[],
    created_at: item.created_at as string,
    comment: (item.comment as string | null | undefined) ?? null,
  };
}

function toDeployment(item: Record<string, unknown>): RouteDeployment {
  return {
    deployment_id: item.deployment_id as string,
    version_id: item.version_id as string,
    created_at: item.created_at as string,
    comment: (item.comment as string | null | undefined) ?? null,
    sequence: item.sequence as number,
  };
}

/**
 * A name claim without its route is taken over only after this long: far more than a create or rename
 * needs between writing the claim and the route (the api Lambda times out after 29 s).
 */
const STALE_CLAIM_MS = 120_000;

export type GatewayLookup = (accountId: string, gatewayId: string) => Promise<Gateway | undefined>;

const nameTaken = (name: string) => conflict(`A route named "${name}" already exists on this gateway`);

/**
 * Dynamic routes (reference 5.3) in the config table, all under pk "ACCOUNT#{account}":
 * - the route, sk "ROUTE#{gateway}@{gateway created_at}#{route id}": name, timestamps, the live
 *   deployment and a copy of the deployed version (so the proxy reads one item, not three);
 * - a name claim, sk "ROUTE_NAME#{gateway}@{created_at}#{name}" -> route_id, written first with a
 *   condition: names are unique per gateway without transactions (dynalite has none), and the proxy
 *   finds `dynamic/<name>` with two GetItems;
 * - each version, sk "ROUTE_VERSION#...#{route id}#{version id}": immutable, written once;
 * - each deployment, sk "ROUTE_DEPLOYMENT#...#{route id}#{sequence}": the history, never rewritten.
 * A version and a deployment take their sequence from an atomic counter on the route item; a
 * deployment then moves the live pointer with a condition that its sequence is higher than the live
 * one's, so whatever order concurrent deploys land in, the live one has the highest sequence.
 * Elements are stored as JSON text: DynamoDB maps do not keep key order, and a route reads back as saved.
 * A write that fails half-way leaves at most an unreachable item (a version or claim without its
 * route), never a route that reads wrong; a stale name claim is detected and taken over.
 */
export class RouteStore implements RouteReader {
  private readonly findGateway: GatewayLookup;

  /**
   * `findGateway` is how the proxy's reads learn the gateway's incarnation: the proxy passes its cached
   * gateway resolver, so a cache miss costs two GetItems (claim, route); by default the table is read.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    findGateway?: GatewayLookup,
  ) {
    const gateways = new GatewayStore(client, tableName);
    this.findGateway = findGateway ?? ((accountId, gatewayId) => gateways.get(accountId, gatewayId));
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
    await this.claimName(scope, input.name, routeId);
    try {
      // Version and history first: until the route item exists, nothing reaches them.
      await this.putVersion(scope, version);
      await this.putDeployment(scope, routeId, deployment);
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: accountKey(scope.accountId),
            sk: `${routePrefix(scope)}${routeId}`,
            ...route,
            deployed_elements: JSON.stringify(route.deployed_elements),
            version_count: 1,
            deployment_count: 1,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      await this.releaseName(scope, input.name, routeId);
      throw error;
    }
    return { route, version };
  }

  /** The gateway's routes, oldest first. */
  async list(scope: RouteScope): Promise<StoredRoute[]> {
    const items = await this.query(scope.accountId, routePrefix(scope));
    return items
      .map(toRoute)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  async get(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: this.routeKey(scope, routeId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRoute(Item) : undefined;
  }

  /** Renames a route: the new name is claimed before and the old one released after. */
  async rename(
    scope: RouteScope,
    routeId: string,
    name: string,
    now: Date,
  ): Promise<StoredRoute | undefined> {
    const existing = await this.get(scope, routeId);
    if (!existing) return undefined;
    if (existing.name === name) return existing;
    await this.claimName(scope, name, routeId);
    let updated: StoredRoute;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.routeKey(scope, routeId),
          UpdateExpression: "SET #name = :name, modified_at = :now",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#name": "name" },
          ExpressionAttributeValues: { ":name": name, ":now": now.toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      updated = toRoute(Attributes ?? {});
    } catch (error) {
      await this.releaseName(scope, name, routeId);
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    // A concurrent rename may have moved it on already; release only the claim this route left.
    await this.releaseName(scope, existing.name, routeId);
    return updated;
  }

  /**
   * Deletes the route first (so it stops serving at once), then its name claim, versions and history.
   * Returns what was stored; undefined when there was none.
   */
  async delete(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: this.routeKey(scope, routeId),
        ReturnValues: "ALL_OLD",
      }),
    );
    if (!Attributes) return undefined;
    const deleted = toRoute(Attributes);
    await this.releaseName(scope, deleted.name, routeId);
    await this.deleteChildren(scope, routeId);
    return deleted;
  }

  /** Deletes every route of this gateway incarnation (the gateway is being deleted); returns how many. */
  async deleteAllForGateway(scope: RouteScope): Promise<number> {
    const routes = await this.list(scope);
    for (const route of routes) await this.delete(scope, route.id);
    return routes.length;
  }

  /** Saves a new immutable version; it serves no traffic until deployed. Undefined: no such route. */
  async createVersion(
    scope: RouteScope,
    routeId: string,
    input: { elements: RouteElement[]; comment: string | null; now: Date },
  ): Promise<RouteVersion | undefined> {
    const sequence = await this.count(scope, routeId, "version_count", input.now);
    if (sequence === undefined) return undefined;
    const version: RouteVersion = {
      version_id: randomUUID(),
      route_id: routeId,
      sequence,
      elements: input.elements,
      created_at: input.now.toISOString(),
      comment: input.comment,
    };
    await this.putVersion(scope, version);
    return version;
  }

  /** The route's versions, newest first. */
  async listVersions(scope: RouteScope, routeId: string): Promise<RouteVersion[]> {
    const items = await this.query(scope.accountId, versionPrefix(scope, routeId));
    return items.map(toVersion).sort((a, b) => b.sequence - a.sequence);
  }

  async getVersion(scope: RouteScope, routeId: string, versionId: string): Promise<RouteVersion | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: accountKey(scope.accountId), sk: `${versionPrefix(scope, routeId)}${versionId}` },
        ConsistentRead: true,
      }),
    );
    return Item ? toVersion(Item) : undefined;
  }

  /**
   * Makes a version live: rolling back is deploying an earlier version. The route item's counter and
   * live pointer change in one conditional update, then the history item is written.
   */
  async deploy(
    scope: RouteScope,
    routeId: string,
    input: { versionId: string; comment: string | null; now: Date },
  ): Promise<{ route: StoredRoute; deployment: RouteDeployment } | undefined> {
    const version = await this.getVersion(scope, routeId, input.versionId);
    if (!version) {
      if (!(await this.get(scope, routeId))) return undefined;
      throw GatewayError.badRequest(
        `version_id: route ${routeId} has no version ${JSON.stringify(input.versionId)}`,
      );
    }
    const sequence = await this.count(scope, routeId, "deployment_count", input.now);
    if (sequence === undefined) return undefined;
    const deployment: RouteDeployment = {
      deployment_id: randomUUID(),
      version_id: version.version_id,
      created_at: input.now.toISOString(),
      comment: input.comment,
      sequence,
    };
    // The live pointer moves only if no later deployment got there first: concurrent deploys end with
    // the one of the highest sequence live, whatever order their writes land in.
    let route: StoredRoute | undefined;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.routeKey(scope, routeId),
          UpdateExpression:
            "SET deployment = :deployment, deployed_version = :version, deployed_elements = :elements",
          ConditionExpression: "attribute_exists(pk) AND deployment.#sequence < :sequence",
          ExpressionAttributeNames: { "#sequence": "sequence" },
          ExpressionAttributeValues: {
            ":deployment": deployment,
            ":version": summaryOf(version),
            ":elements": JSON.stringify(version.elements),
            ":sequence": sequence,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      route = Attributes ? toRoute(Attributes) : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Superseded (this deployment is history only), or the route was deleted meanwhile.
      route = await this.get(scope, routeId);
    }
    if (!route) return undefined;
    await this.putDeployment(scope, routeId, deployment);
    return { route, deployment };
  }

  /** The deployment history, newest (the live one) first. */
  async listDeployments(scope: RouteScope, routeId: string): Promise<RouteDeployment[]> {
    const items = await this.query(scope.accountId, deploymentPrefix(scope, routeId));
    return items.map(toDeployment).sort((a, b) => b.sequence - a.sequence);
  }

  /**
   * For the proxy: the live version of the route with this name on the gateway as it exists now, or
   * null. Reads the gateway (its incarnation), the name claim and the route; the proxy caches the
   * answer for CONFIG_CACHE_TTL_MS.
   */
  async getDeployedRoute(accountId: string, gatewayId: string, name: string): Promise<DeployedRoute | null> {
    const gateway = await this.findGateway(accountId, gatewayId);
    if (!gateway) return null;
    const scope = { accountId, gatewayId, gatewayCreatedAt: gateway.created_at };
    const claim = await this.readClaim(scope, name);
    if (!claim) return null;
    const route = await this.get(scope, claim.routeId);
    // A claim whose route was renamed or deleted does not count.
    if (route?.name !== name) return null;
    return {
      routeId: route.id,
      name: route.name,
      versionId: route.deployment.version_id,
      elements: route.deployed_elements,
    };
  }

  /** ADD 1 to a counter of the route item, which must exist; the new count, or undefined. */
  private async count(
    scope: RouteScope,
    routeId: string,
    counter: "version_count" | "deployment_count",
    now: Date,
  ): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.routeKey(scope, routeId),
          UpdateExpression: `ADD ${counter} :one SET modified_at = :now`,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":one": 1, ":now": now.toISOString() },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return Attributes?.[counter] as number;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  private routeKey(scope: RouteScope, routeId: string) {
    return { pk: accountKey(scope.accountId), sk: `${routePrefix(scope)}${routeId}` };
  }

  private async putVersion(scope: RouteScope, version: RouteVersion): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: accountKey(scope.accountId),
          sk: `${versionPrefix(scope, version.route_id)}${version.version_id}`,
          ...version,
          elements: JSON.stringify(version.elements),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  private async putDeployment(
    scope: RouteScope,
    routeId: string,
    deployment: RouteDeployment,
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: accountKey(scope.accountId),
          sk: `${deploymentPrefix(scope, routeId)}${sequenceKey(deployment.sequence)}`,
          ...deployment,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  private async readClaim(
    scope: RouteScope,
    name: string,
  ): Promise<{ routeId: string; claimedAt: number } | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: accountKey(scope.accountId), sk: `${namePrefix(scope)}${name}` },
        ConsistentRead: true,
      }),
    );
    return Item
      ? { routeId: Item.route_id as string, claimedAt: (Item.claimed_at as number) ?? 0 }
      : undefined;
  }

  private async claimName(scope: RouteScope, name: string, routeId: string): Promise<void> {
    try {
      await this.putClaim(scope, name, routeId, "attribute_not_exists(pk)");
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const claim = await this.readClaim(scope, name);
    const holder = claim ? await this.get(scope, claim.routeId) : undefined;
    if (holder?.name === name) throw nameTaken(name);
    // A claim whose route does not carry the name may be one a create or rename is still completing:
    // only once it is older than any such call can take is it stale (its writer died half-way).
    if (claim && Date.now() - claim.claimedAt < STALE_CLAIM_MS) throw nameTaken(name);
    // Take the stale claim over, unless someone else just did.
    try {
      await this.putClaim(
        scope,
        name,
        routeId,
        "attribute_not_exists(pk) OR route_id = :stale",
        claim?.routeId,
      );
    } catch (error) {
      if (isConditionFailure(error)) throw nameTaken(name);
      throw error;
    }
  }

  private async putClaim(
    scope: RouteScope,
    name: string,
    routeId: string,
    condition: string,
    stale?: string,
  ) {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: accountKey(scope.accountId),
          sk: `${namePrefix(scope)}${name}`,
          route_id: routeId,
          claimed_at: Date.now(),
        },
        ConditionExpression: condition,
        ...(stale === undefined ? {} : { ExpressionAttributeValues: { ":stale": stale } }),
      }),
    );
  }

  /** Removes a claim if it is still this route's. */
  private async releaseName(scope: RouteScope, name: string, routeId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: accountKey(scope.accountId), sk: `${namePrefix(scope)}${name}` },
          ConditionExpression: "route_id = :id",
          ExpressionAttributeValues: { ":id": routeId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async deleteChildren(scope: RouteScope, routeId: string): Promise<void> {
    for (const prefix of [versionPrefix(scope, routeId), deploymentPrefix(scope, routeId)]) {
      const items = await this.query(scope.accountId, prefix, "pk, sk");
      for (const item of items) {
        await this.client.send(
          new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }),
        );
      }
    }
  }

  private query(accountId: string, prefix: string, projection?: string): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": accountKey(accountId), ":prefix": prefix },
      ConsistentRead: true,
      ...(projection ? { ProjectionExpression: projection } : {}),
    });
  }
}
