import type { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { TTL_ATTRIBUTE } from "../../../shared/store/table-definitions.ts";

export interface GatewayTablesProps {
  removalPolicy: RemovalPolicy;
}

/**
 * The config, logs and state tables (state: cache entries, rate-limit and spend counters, all with TTL).
 * Their key schema is the one `tableDefinition()` in
 * shared/store/table-definitions.ts gives the local runtime; test/infra compares the two.
 */
export class GatewayTables extends Construct {
  readonly configTable: Table;
  readonly logsTable: Table;
  readonly stateTable: Table;

  constructor(scope: Construct, id: string, props: GatewayTablesProps) {
    super(scope, id);
    this.configTable = gatewayTable(this, "ConfigTable", props.removalPolicy, true);
    this.logsTable = gatewayTable(this, "LogsTable", props.removalPolicy, true);
    // No point-in-time recovery: cache entries and rate and spend counters expire on their own within
    // hours to a month, a restore would bring back stale ones, and the backups would be paid for nothing.
    this.stateTable = gatewayTable(this, "StateTable", props.removalPolicy, false);
  }
}

function gatewayTable(
  scope: Construct,
  id: string,
  removalPolicy: RemovalPolicy,
  pointInTimeRecovery: boolean,
): Table {
  return new Table(scope, id, {
    partitionKey: { name: "pk", type: AttributeType.STRING },
    sortKey: { name: "sk", type: AttributeType.STRING },
    // On-demand: gateway traffic is bursty and often idle; nothing to capacity-plan, nothing paid at rest
    // beyond storage.
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    ...(pointInTimeRecovery
      ? { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } }
      : {}),
    // Tokens, stored provider keys and logs outlive a `cdk destroy` unless the caller opts out.
    removalPolicy,
  });
}
