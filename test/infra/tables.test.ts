import { RemovalPolicy } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { TTL_ATTRIBUTE, tableDefinition } from "../../shared/store/table-definitions.ts";
import { synthGateway } from "./synth-gateway.ts";

describe("DynamoDB tables", () => {
  const { stack, template, properties } = synthGateway();
  const tables = [
    ["config", stack.gateway.configTable],
    ["logs", stack.gateway.logsTable],
    ["state", stack.gateway.stateTable],
  ] as const;

  it("declares exactly the config, logs and state tables", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 3);
  });

  it.each(tables)(
    "%s table has the key schema of tableDefinition() (the local runtime's tables)",
    (_, table) => {
      const definition = tableDefinition("any-name");
      const declared = properties(table);
      expect(declared.KeySchema).toEqual(definition.KeySchema);
      expect(declared.AttributeDefinitions).toEqual(definition.AttributeDefinitions);
      expect(declared.BillingMode).toBe(definition.BillingMode);
    },
  );

  it.each(tables)("%s table is on-demand, with TTL on expires_at", (_, table) => {
    expect(properties(table)).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    expect(TTL_ATTRIBUTE).toBe("expires_at");
  });

  it("keeps point-in-time recovery for the records (config, logs), not for the state table's cache and counters", () => {
    for (const table of [stack.gateway.configTable, stack.gateway.logsTable]) {
      expect(properties(table).PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
    // Cache entries and rate and spend counters expire on their own: a restore would bring back stale ones.
    expect(properties(stack.gateway.stateTable).PointInTimeRecoverySpecification ?? {}).not.toMatchObject({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it("retains every table when the stack is deleted, by default", () => {
    const retained = template.findResources("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    expect(Object.keys(retained)).toHaveLength(3);
  });

  it("deletes the tables with the stack when tableRemovalPolicy is DESTROY", () => {
    const destroyed = synthGateway({ tableRemovalPolicy: RemovalPolicy.DESTROY });
    const deleted = destroyed.template.findResources("AWS::DynamoDB::Table", { DeletionPolicy: "Delete" });
    expect(Object.keys(deleted)).toHaveLength(3);
  });
});
