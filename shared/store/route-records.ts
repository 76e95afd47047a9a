import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conflict-error.ts";
import { type StoredRoute, toRoute } from "./route-items.ts";
import { type RouteScope, routeKey, routePrefix } from "./route-keys.ts";
import { queryRouteItems, type RouteTable } from "./route-table.ts";

/**
 * The route items themselves: name, timestamps, the live deployment and a copy of the deployed version
 * (so the proxy reads one item, not three), and the counters versions and deployments take their
 * sequence from.
 */
export class RouteRecords {
  constructor(private readonly table: RouteTable) {}

  async get(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: routeKey(scope, routeId),
        ConsistentRead: true,
      }),
    );
    return Item ? toRoute(Item) : undefined;
  }

  /** The gateway's routes, oldest first. */
  async list(scope: RouteScope): Promise<StoredRoute[]> {
    const items = await queryRouteItems(this.table, scope.accountId, routePrefix(scope));
    return items
      .map(toRoute)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** Writes a new route whose first version and deployment are already stored; never overwrites. */
  async putNew(scope: RouteScope, route: StoredRoute): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          ...routeKey(scope, route.id),
          ...route,
          deployed_elements: JSON.stringify(route.deployed_elements),
          version_count: 1,
          deployment_count: 1,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  /**
   * Sets the name of an existing route (its claim is the caller's business); the route as it now is, or
   * undefined when it no longer exists.
   */
  async setName(
    scope: RouteScope,
    routeId: string,
    name: string,
    now: Date,
  ): Promise<StoredRoute | undefined> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: routeKey(scope, routeId),
          UpdateExpression: "SET #name = :name, modified_at = :now",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#name": "name" },
          ExpressionAttributeValues: { ":name": name, ":now": now.toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      return toRoute(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** Deletes the route item; what was stored, or undefined when there was none. */
  async remove(scope: RouteScope, routeId: string): Promise<StoredRoute | undefined> {
    const { Attributes } = await this.table.client.send(
      new DeleteCommand({
        TableName: this.table.tableName,
        Key: routeKey(scope, routeId),
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes ? toRoute(Attributes) : undefined;
  }

  /** ADD 1 to a counter of the route item, which must exist; the new count, or undefined. */
  async nextSequence(
    scope: RouteScope,
    routeId: string,
    counter: "version_count" | "deployment_count",
    now: Date,
  ): Promise<number | undefined> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: routeKey(scope, routeId),
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
}
