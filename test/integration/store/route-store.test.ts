import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateRouteElements } from "../../../shared/routing/route-graph.ts";
import type { RouteElement } from "../../../shared/routing/route-schema.ts";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { type RouteScope, RouteStore } from "../../../shared/store/route-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

const at = new Date("2026-11-25T10:00:00Z");
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

/** A route graph as the management API stores it once validated: start -> model -> end. */
function graph(model: string): RouteElement[] {
  return validateRouteElements([
    { id: "start", type: "start", outputs: { next: { elementId: "model" } } },
    {
      id: "model",
      type: "model",
      properties: { provider: "openai", model, timeout: 10_000, retries: 0 },
      outputs: { success: { elementId: "end" } },
    },
    { id: "end", type: "end", outputs: {} },
  ]);
}

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("RouteStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let gateways: GatewayStore;
  let store: RouteStore;
  let table: string;
  let sequence = 0;

  /** A fresh gateway (stored, as the proxy reads it) and the scope of its routes. */
  async function newScope(createdAt = at): Promise<RouteScope> {
    const gatewayId = `routes-gw-${++sequence}`;
    await gateways.create("acct", defaultGateway(gatewayId, createdAt));
    return { accountId: "acct", gatewayId, gatewayCreatedAt: createdAt.toISOString() };
  }

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    table = await dynamo.createTable("config");
    gateways = new GatewayStore(dynamo.documentClient, table);
    store = new RouteStore(dynamo.documentClient, table);
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("creates a route with its first version deployed, readable by name as the proxy reads it", async () => {
    const scope = await newScope();
    const { route, version } = await store.create(scope, { name: "support", elements: graph("a"), now: at });
    expect(route).toMatchObject({
      name: "support",
      gateway_id: scope.gatewayId,
      created_at: at.toISOString(),
    });
    expect(route.deployment).toMatchObject({ version_id: version.version_id, sequence: 1 });
    expect(version).toMatchObject({ sequence: 1, elements: graph("a") });
    expect(await store.get(scope, route.id)).toEqual(route);
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "support")).toEqual({
      routeId: route.id,
      name: "support",
      versionId: version.version_id,
      elements: graph("a"),
    });
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "other")).toBeNull();
  });

  it("keeps names unique per gateway, also when two creates race, but not across gateways", async () => {
    const scope = await newScope();
    await store.create(scope, { name: "taken", elements: graph("a"), now: at });
    await expect(store.create(scope, { name: "taken", elements: graph("b"), now: at })).rejects.toMatchObject(
      {
        status: 409,
      },
    );
    const racing = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.create(scope, { name: "race", elements: graph("c"), now: at })),
    );
    expect(racing.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect((await store.list(scope)).map((route) => route.name).sort()).toEqual(["race", "taken"]);
    const other = await newScope();
    await expect(
      store.create(other, { name: "taken", elements: graph("d"), now: at }),
    ).resolves.toBeDefined();
  });

  it("takes over a name claim left by a create that died half-way, once it is old enough", async () => {
    const scope = await newScope();
    const claim = (name: string, claimedAt: number) =>
      dynamo.documentClient.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: "ACCOUNT#acct",
            sk: `ROUTE_NAME#${scope.gatewayId}@${scope.gatewayCreatedAt}#${name}`,
            route_id: "00000000-0000-4000-8000-000000000000",
            claimed_at: claimedAt,
          },
        }),
      );
    await claim("abandoned", Date.now() - 10 * 60_000);
    await claim("in-flight", Date.now());
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "abandoned")).toBeNull();
    await expect(
      store.create(scope, { name: "abandoned", elements: graph("a"), now: at }),
    ).resolves.toBeDefined();
    await expect(
      store.create(scope, { name: "in-flight", elements: graph("a"), now: at }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });

  it("renames a route: the new name resolves, the old one is free again", async () => {
    const scope = await newScope();
    const { route } = await store.create(scope, { name: "before", elements: graph("a"), now: at });
    await store.create(scope, { name: "occupied", elements: graph("b"), now: at });
    await expect(store.rename(scope, route.id, "occupied", later(1))).rejects.toMatchObject({ status: 409 });
    const renamed = await store.rename(scope, route.id, "after", later(2));
    expect(renamed).toMatchObject({ name: "after", modified_at: later(2).toISOString() });
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "before")).toBeNull();
    expect((await store.getDeployedRoute("acct", scope.gatewayId, "after"))?.routeId).toBe(route.id);
    await expect(
      store.create(scope, { name: "before", elements: graph("c"), now: at }),
    ).resolves.toBeDefined();
    expect(await store.rename(scope, "00000000-0000-4000-8000-000000000000", "x", at)).toBeUndefined();
  });

  it("saves versions without changing what is live, and lists them newest first", async () => {
    const scope = await newScope();
    const { route, version: first } = await store.create(scope, { name: "r", elements: graph("a"), now: at });
    const second = await store.createVersion(scope, route.id, {
      elements: graph("b"),
      comment: "try b",
      now: later(1),
    });
    expect(second).toMatchObject({ sequence: 2, comment: "try b", elements: graph("b") });
    expect((await store.getDeployedRoute("acct", scope.gatewayId, "r"))?.versionId).toBe(first.version_id);
    expect((await store.listVersions(scope, route.id)).map((version) => version.sequence)).toEqual([2, 1]);
    expect(await store.getVersion(scope, route.id, second?.version_id ?? "")).toEqual(second);
    expect(
      await store.createVersion(scope, "00000000-0000-4000-8000-000000000000", {
        elements: graph("x"),
        comment: null,
        now: at,
      }),
    ).toBeUndefined();
  });

  it("deploys a version, rolls back to an earlier one, and keeps the whole history", async () => {
    const scope = await newScope();
    const { route, version: v1 } = await store.create(scope, { name: "r", elements: graph("a"), now: at });
    const v2 = await store.createVersion(scope, route.id, {
      elements: graph("b"),
      comment: null,
      now: later(1),
    });
    const deployed = await store.deploy(scope, route.id, {
      versionId: v2?.version_id ?? "",
      comment: "ship b",
      now: later(2),
    });
    expect(deployed?.route.deployment).toMatchObject({ version_id: v2?.version_id, comment: "ship b" });
    expect(deployed?.route.deployed_version).toEqual({
      version_id: v2?.version_id,
      created_at: later(1).toISOString(),
      comment: null,
    });
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "r")).toMatchObject({
      versionId: v2?.version_id,
      elements: graph("b"),
    });
    await store.deploy(scope, route.id, { versionId: v1.version_id, comment: "roll back", now: later(3) });
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "r")).toMatchObject({
      versionId: v1.version_id,
      elements: graph("a"),
    });
    const history = await store.listDeployments(scope, route.id);
    expect(history.map((entry) => [entry.sequence, entry.version_id, entry.comment])).toEqual([
      [3, v1.version_id, "roll back"],
      [2, v2?.version_id, "ship b"],
      [1, v1.version_id, null],
    ]);
  });

  it("refuses to deploy an unknown version with 400, and answers undefined for an unknown route", async () => {
    const scope = await newScope();
    const { route } = await store.create(scope, { name: "r", elements: graph("a"), now: at });
    await expect(
      store.deploy(scope, route.id, {
        versionId: "00000000-0000-4000-8000-000000000000",
        comment: null,
        now: at,
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(
      await store.deploy(scope, "00000000-0000-4000-8000-000000000000", {
        versionId: route.deployment.version_id,
        comment: null,
        now: at,
      }),
    ).toBeUndefined();
    expect(await store.listDeployments(scope, route.id)).toHaveLength(1);
  });

  it("gives concurrent versions distinct sequences, and leaves the last of concurrent deployments live", async () => {
    const scope = await newScope();
    const { route } = await store.create(scope, { name: "r", elements: graph("v1"), now: at });
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        store.createVersion(scope, route.id, { elements: graph(`v${index + 2}`), comment: null, now: at }),
      ),
    );
    expect(versions.map((version) => version?.sequence).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    await Promise.all(
      versions.map((version) =>
        store.deploy(scope, route.id, { versionId: version?.version_id ?? "", comment: null, now: at }),
      ),
    );
    const history = await store.listDeployments(scope, route.id);
    expect(history.map((entry) => entry.sequence)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const live = await store.getDeployedRoute("acct", scope.gatewayId, "r");
    expect(live?.versionId).toBe(history[0]?.version_id);
    const liveVersion = versions.find((version) => version?.version_id === live?.versionId);
    expect(live?.elements).toEqual(liveVersion?.elements);
  });

  it("deletes a route with its name, versions and history", async () => {
    const scope = await newScope();
    const { route } = await store.create(scope, { name: "gone", elements: graph("a"), now: at });
    await store.createVersion(scope, route.id, { elements: graph("b"), comment: null, now: at });
    expect((await store.delete(scope, route.id))?.id).toBe(route.id);
    expect(await store.get(scope, route.id)).toBeUndefined();
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "gone")).toBeNull();
    expect(await store.listVersions(scope, route.id)).toEqual([]);
    expect(await store.listDeployments(scope, route.id)).toEqual([]);
    expect(await store.delete(scope, route.id)).toBeUndefined();
    await expect(store.create(scope, { name: "gone", elements: graph("c"), now: at })).resolves.toBeDefined();
  });

  it("does not show a deleted gateway's routes to a gateway re-created with the same id", async () => {
    const scope = await newScope();
    await store.create(scope, { name: "old", elements: graph("a"), now: at });
    await gateways.delete("acct", scope.gatewayId);
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "old")).toBeNull();
    const recreatedAt = later(60);
    await gateways.create("acct", defaultGateway(scope.gatewayId, recreatedAt));
    const recreated = { ...scope, gatewayCreatedAt: recreatedAt.toISOString() };
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "old")).toBeNull();
    expect(await store.list(recreated)).toEqual([]);
    await expect(
      store.create(recreated, { name: "old", elements: graph("b"), now: at }),
    ).resolves.toBeDefined();
    expect((await store.getDeployedRoute("acct", scope.gatewayId, "old"))?.elements).toEqual(graph("b"));
  });

  it("deletes every route of a gateway", async () => {
    const scope = await newScope();
    await store.create(scope, { name: "one", elements: graph("a"), now: at });
    await store.create(scope, { name: "two", elements: graph("b"), now: at });
    expect(await store.deleteAllForGateway(scope)).toBe(2);
    expect(await store.list(scope)).toEqual([]);
    expect(await store.getDeployedRoute("acct", scope.gatewayId, "one")).toBeNull();
  });
});
