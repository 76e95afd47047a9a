import { Fn } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { type Grant, Grant as IamGrant, type IGrantable } from "aws-cdk-lib/aws-iam";

/**
 * What the proxy may write to the config table: the one PutItem that creates the `default` gateway on its
 * first authenticated request (reference 4.3; shared/store/gateway-store.ts `createIfAbsent`), and nothing
 * else. Everything else it needs there (gateways, API tokens, stored provider keys, custom providers,
 * routes) it only reads.
 *
 * IAM cannot require the put's `attribute_not_exists` condition, nor name a sort key, so the statement
 * narrows what it can: items of the gateway's own account partition (`dynamodb:LeadingKeys`) made of a
 * gateway item's attributes only (`dynamodb:Attributes`): not a token, a key or a route, whose items carry
 * other attributes. test/infra/permissions.test.ts checks both against what GatewayStore actually sends.
 */
export function grantDefaultGatewayCreation(table: ITable, grantee: IGrantable, accountId: string): Grant {
  return IamGrant.addToPrincipal({
    grantee,
    actions: ["dynamodb:PutItem"],
    resourceArns: [table.tableArn],
    conditions: {
      "ForAllValues:StringEquals": {
        // GatewayStore's partition key: `ACCOUNT#{account}`.
        "dynamodb:LeadingKeys": [Fn.join("", ["ACCOUNT#", accountId])],
        "dynamodb:Attributes": [...GATEWAY_ITEM_ATTRIBUTES],
      },
    },
  });
}

/** The attributes of a gateway item (GatewayStore): its keys and the gateway object. */
const GATEWAY_ITEM_ATTRIBUTES = ["gateway", "pk", "sk"] as const;
