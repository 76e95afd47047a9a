import { DeleteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { queryAllPages } from "./query-all-pages.ts";
import { accountKey } from "./route-keys.ts";

/** The config table the route items live in, shared by the parts of RouteStore. */
export interface RouteTable {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Every item of the account whose sort key starts with `prefix`, read consistently. */
export function queryRouteItems(
  table: RouteTable,
  accountId: string,
  prefix: string,
  projection?: string,
): Promise<Record<string, unknown>[]> {
  return queryAllPages(table.client, {
    TableName: table.tableName,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": accountKey(accountId), ":prefix": prefix },
    ConsistentRead: true,
    ...(projection ? { ProjectionExpression: projection } : {}),
  });
}

/** Deletes every item of the account whose sort key starts with `prefix`, one DeleteItem each. */
export async function deleteRouteItems(table: RouteTable, accountId: string, prefix: string): Promise<void> {
  const items = await queryRouteItems(table, accountId, prefix, "pk, sk");
  for (const item of items) {
    await table.client.send(
      new DeleteCommand({ TableName: table.tableName, Key: { pk: item.pk, sk: item.sk } }),
    );
  }
}
