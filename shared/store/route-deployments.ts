import { randomUUID } from "node:crypto";
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { GatewayError } from "../core/gateway-error.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { type RouteDeployment, type StoredRoute, summaryOf, toDeployment, toRoute } from "./route-items.ts";
import { deploymentKey, deploymentPrefix, type RouteScope, routeKey } from "./route-keys.ts";
import type { RouteRecords } from "./route-records.ts";
import { deleteRouteItems, queryRouteItems, type RouteTable } from "./route-table.ts";
import type { RouteVersions } from "./route-versions.ts";

/**
 * Deployments: the history, one item per deployment, never rewritten, and the live pointer on the route
 * item. A deployment takes its sequence from the atomic `deployment_count` on the route item, then moves
 * the live pointer with a condition that its sequence is higher than the live one's, so whatever order
 * concurrent deploys land in, the live one has the highest sequence.
 */
export class RouteDeployments {
  constructor(
    private readonly table: RouteTable,
    private readonly records: RouteRecords,
    private readonly versions: RouteVersions,
  ) {}

  /**
   * Makes a version live: rolling back is deploying an earlier version. The route item's counter and
   * live pointer change in one conditional update, then the history item is written.
   */
  async deploy(
    scope: RouteScope,
    routeId: string,
    input: { versionId: string; comment: string | null; now: Date },
  ): Promise<{ route: StoredRoute; deployment: RouteDeployment } | undefined> {
    const version = await this.versions.get(scope, routeId, input.versionId);
    if (!version) {
      if (!(await this.records.get(scope, routeId))) return undefined;
      throw GatewayError.badRequest(
        `version_id: route ${routeId} has no version ${JSON.stringify(input.versionId)}`,
      );
    }
    const sequence = await this.records.nextSequence(scope, routeId, "deployment_count", input.now);
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
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: routeKey(scope, routeId),
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
      route = await this.records.get(scope, routeId);
    }
    if (!route) return undefined;
    await this.put(scope, routeId, deployment);
    return { route, deployment };
  }

  /** Writes a history item; never overwrites one. */
  async put(scope: RouteScope, routeId: string, deployment: RouteDeployment): Promise<void> {
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...deploymentKey(scope, routeId, deployment.sequence), ...deployment },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  /** The deployment history, newest (the live one) first. */
  async list(scope: RouteScope, routeId: string): Promise<RouteDeployment[]> {
    const items = await queryRouteItems(this.table, scope.accountId, deploymentPrefix(scope, routeId));
    return items.map(toDeployment).sort((a, b) => b.sequence - a.sequence);
  }

  /** Deletes the history of a route whose route item is already gone. */
  async deleteAll(scope: RouteScope, routeId: string): Promise<void> {
    await deleteRouteItems(this.table, scope.accountId, deploymentPrefix(scope, routeId));
  }
}
