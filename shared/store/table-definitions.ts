import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The DynamoDB tables, as one source of truth for the local runtime, the tests and the CDK stack
 * (the stack declares the same key schema; a template test compares them).
 *
 * - config: small, hot, read through an in-memory cache: gateways (and later tokens, keys, routes).
 *   pk = "ACCOUNT#{account_id}", sk = "GATEWAY#{gateway_id}".
 * - logs: one item a request. pk = "{account_id}#{gateway_id}", sk = the log id (UUIDv7, so the sort
 *   key orders by time and a Query lists newest first with ScanIndexForward=false).
 * - state: short-lived shared state of the proxy: response cache entries (shared/store/cache-store.ts)
 *   and rate-limit counters (shared/store/rate-limit-store.ts). Every item carries `expires_at`.
 * All use `expires_at` (epoch seconds) as their TTL attribute; code checks expiry on read because
 * DynamoDB deletes expired items lazily.
 */
export const TTL_ATTRIBUTE = "expires_at";

export type TableRole = "config" | "logs" | "state";

/** Both tables share one key schema today; the role is kept for the indexes later issues add. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
  };
}

export const TABLE_ROLES: readonly TableRole[] = ["config", "logs", "state"];
