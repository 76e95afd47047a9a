import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { conflict, isConditionFailure } from "./conflict-error.ts";
import { nameClaimKey, type RouteScope } from "./route-keys.ts";
import type { RouteRecords } from "./route-records.ts";
import type { RouteTable } from "./route-table.ts";

/**
 * A name claim without its route is taken over only after this long: far more than a create or rename
 * needs between writing the claim and the route (the api Lambda times out after 29 s).
 */
const STALE_CLAIM_MS = 120_000;

const nameTaken = (name: string) => conflict(`A route named "${name}" already exists on this gateway`);

/**
 * Name claims, one item per route name on a gateway -> route_id, written before the route with a
 * condition: names are unique per gateway without transactions (dynalite has none), and the proxy finds
 * `dynamic/<name>` with two GetItems. A claim left by a create or rename that died half-way is detected
 * as stale and taken over.
 */
export class RouteNameClaims {
  constructor(
    private readonly table: RouteTable,
    private readonly records: RouteRecords,
  ) {}

  async read(scope: RouteScope, name: string): Promise<{ routeId: string; claimedAt: number } | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: nameClaimKey(scope, name),
        ConsistentRead: true,
      }),
    );
    return Item
      ? { routeId: Item.route_id as string, claimedAt: (Item.claimed_at as number) ?? 0 }
      : undefined;
  }

  /** Claims the name for this route, or throws a 409 when another route holds it. */
  async claim(scope: RouteScope, name: string, routeId: string): Promise<void> {
    try {
      await this.put(scope, name, routeId, "attribute_not_exists(pk)");
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const claim = await this.read(scope, name);
    const holder = claim ? await this.records.get(scope, claim.routeId) : undefined;
    if (holder?.name === name) throw nameTaken(name);
    // A claim whose route does not carry the name may be one a create or rename is still completing:
    // only once it is older than any such call can take is it stale (its writer died half-way).
    if (claim && Date.now() - claim.claimedAt < STALE_CLAIM_MS) throw nameTaken(name);
    // Take the stale claim over, unless someone else just did.
    try {
      await this.put(scope, name, routeId, "attribute_not_exists(pk) OR route_id = :stale", claim?.routeId);
    } catch (error) {
      if (isConditionFailure(error)) throw nameTaken(name);
      throw error;
    }
  }

  /** Removes a claim if it is still this route's. */
  async release(scope: RouteScope, name: string, routeId: string): Promise<void> {
    try {
      await this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: nameClaimKey(scope, name),
          ConditionExpression: "route_id = :id",
          ExpressionAttributeValues: { ":id": routeId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async put(scope: RouteScope, name: string, routeId: string, condition: string, stale?: string) {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...nameClaimKey(scope, name), route_id: routeId, claimed_at: Date.now() },
        ConditionExpression: condition,
        ...(stale === undefined ? {} : { ExpressionAttributeValues: { ":stale": stale } }),
      }),
    );
  }
}
