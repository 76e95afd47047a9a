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
    this.configTable = gatewayTable(this, "ConfigTable", props.removalPolicy);
    this.logsTable = gatewayTable(this, "LogsTable", props.removalPolicy);
    this.stateTable = gatewayTable(this, "StateTable", props.removalPolicy);
  }
}

function gatewayTable(scope: Construct, id: string, removalPolicy: RemovalPolicy): Table {
  return new Table(scope, id, {
    partitionKey: { name: "pk", type: AttributeType.STRING },
    sortKey: { name: "sk", type: AttributeType.STRING },
    // On-demand: gateway traffic is bursty and often idle; nothing to capacity-plan, nothing paid at rest
    // beyond storage.
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Tokens, stored provider keys and logs outlive a `cdk destroy` unless the caller opts out.
    removalPolicy,
  });
}
