import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { RouteElement } from "../routing/route-schema.ts";
import { type RouteVersion, toVersion } from "./route-items.ts";
import { type RouteScope, versionKey, versionPrefix } from "./route-keys.ts";
import type { RouteRecords } from "./route-records.ts";
import { deleteRouteItems, queryRouteItems, type RouteTable } from "./route-table.ts";

/**
 * Route versions, one item each, immutable: written once, never updated. A version's sequence comes from
 * the atomic `version_count` on the route item, so concurrent saves get distinct ones.
 */
export class RouteVersions {
  constructor(
    private readonly table: RouteTable,
    private readonly records: RouteRecords,
  ) {}

  /** Saves a new immutable version; it serves no traffic until deployed. Undefined: no such route. */
  async create(
    scope: RouteScope,
    routeId: string,
    input: { elements: RouteElement[]; comment: string | null; now: Date },
  ): Promise<RouteVersion | undefined> {
    const sequence = await this.records.nextSequence(scope, routeId, "version_count", input.now);
    if (sequence === undefined) return undefined;
    const version: RouteVersion = {
      version_id: randomUUID(),
      route_id: routeId,
      sequence,
      elements: input.elements,
      created_at: input.now.toISOString(),
      comment: input.comment,
    };
    await this.put(scope, version);
    return version;
  }

  /** Writes a version; never overwrites one. */
  async put(scope: RouteScope, version: RouteVersion): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...versionKey(scope, version.route_id, version.version_id),
          ...version,
          elements: JSON.stringify(version.elements),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(scope: RouteScope, routeId: string, versionId: string): Promise<RouteVersion | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: versionKey(scope, routeId, versionId),
        ConsistentRead: true,
      }),
    );
    return Item ? toVersion(Item) : undefined;
  }

  /** The route's versions, newest first. */
  async list(scope: RouteScope, routeId: string): Promise<RouteVersion[]> {
    const items = await queryRouteItems(this.table, scope.accountId, versionPrefix(scope, routeId));
    return items.map(toVersion).sort((a, b) => b.sequence - a.sequence);
  }

  /** Deletes every version of a route whose route item is already gone. */
  async deleteAll(scope: RouteScope, routeId: string): Promise<void> {
    await deleteRouteItems(this.table, scope.accountId, versionPrefix(scope, routeId));
  }
}
