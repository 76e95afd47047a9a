import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { type ManagementClient, managementOver } from "../logs/management-fixture.ts";

/** start -> model -> end, the smallest route that answers. */
function graph(model: string, provider = "openai") {
  return [
    { id: "start", type: "start", outputs: { next: { elementId: "call" } } },
    {
      id: "call",
      type: "model",
      properties: { provider, model, retries: 1 },
      outputs: { success: { elementId: "end" } },
    },
    { id: "end", type: "end", outputs: {} },
  ];
}

const gatewaySettings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};

interface RouteObject {
  id: string;
  account_tag: string;
  gateway_id: string;
  name: string;
  elements: Record<string, unknown>[];
  created_at: string;
  modified_at: string;
  deployment: { deployment_id: string; version_id: string; created_at: string; comment: string | null };
  version: { version_id: string; active: string; data: string; created_at: string; comment: string | null };
}

type ListBody<Key extends string, Item> = { data: Record<Key, Item[]> & { page: number; per_page: number } };

describe("dynamic routes through the management API", () => {
  let dynamo: RunningDynamo;
  let api: ManagementClient;
  let sequence = 0;

  async function newGateway(): Promise<string> {
    const id = `routes-api-${++sequence}`;
    expect((await api.call("POST", "/gateways", { id, ...gatewaySettings })).status).toBe(200);
    return id;
  }

  async function newRoute(gatewayId: string, name = `route-${++sequence}`): Promise<RouteObject> {
    const created = await api.call<RouteObject>("POST", `/gateways/${gatewayId}/routes`, {
      name,
      elements: graph("gpt-4o-mini"),
    });
    expect(created.status).toBe(200);
    return created.body.result;
  }

  beforeAll(async () => {
    dynamo = await startDynamo("dynamodb-local");
    api = await managementOver(dynamo, await dynamo.createTable("logs"));
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("creates a route with its first version live, in the shape of Cloudflare's SDK", async () => {
    const gatewayId = await newGateway();
    const route = await newRoute(gatewayId, "support");
    expect(route).toMatchObject({
      account_tag: "acct",
      gateway_id: gatewayId,
      name: "support",
      deployment: { version_id: route.version.version_id, comment: null },
      version: { active: "true", comment: null },
    });
    expect(route.id).toMatch(/^[0-9a-f-]{36}$/);
    // Stored in their checked form: the model's defaults are filled in.
    expect(route.elements[1]).toMatchObject({ properties: { provider: "openai", retries: 1 } });
    expect(JSON.parse(route.version.data)).toEqual(route.elements);
    expect((await api.call("GET", `/gateways/${gatewayId}/routes/${route.id}`)).body.result).toEqual(route);
  });

  it("lists a gateway's routes both in the envelope and in the SDK's data object", async () => {
    const gatewayId = await newGateway();
    const first = await newRoute(gatewayId);
    const second = await newRoute(gatewayId);
    const listed = await api.call<RouteObject[]>("GET", `/gateways/${gatewayId}/routes?per_page=1&page=2`);
    expect(listed.body.result.map((route) => route.id)).toEqual([second.id]);
    expect(listed.body.result_info).toMatchObject({ page: 2, per_page: 1, total_count: 2, count: 1 });
    const data = (listed.body as unknown as ListBody<"routes", RouteObject>).data;
    expect(data).toMatchObject({ page: 2, per_page: 1, routes: [{ id: second.id }] });
    const all = await api.call<RouteObject[]>("GET", `/gateways/${gatewayId}/routes`);
    expect(all.body.result.map((route) => route.id)).toEqual([first.id, second.id]);
  });

  it("renames a route with PATCH, answering the route in `result` and, for the SDK, in `route`", async () => {
    const gatewayId = await newGateway();
    const route = await newRoute(gatewayId, "before");
    const patched = await api.call<RouteObject>("PATCH", `/gateways/${gatewayId}/routes/${route.id}`, {
      name: "after",
    });
    expect(patched.status).toBe(200);
    expect(patched.body.result).toMatchObject({ id: route.id, name: "after" });
    expect((patched.body as unknown as { route: RouteObject }).route).toEqual(patched.body.result);
    const taken = await newRoute(gatewayId, "taken");
    const clash = await api.call("PATCH", `/gateways/${gatewayId}/routes/${route.id}`, { name: "taken" });
    expect(clash.status).toBe(409);
    expect(clash.body.errors[0]?.message).toContain('A route named "taken" already exists');
    expect((await api.call("GET", `/gateways/${gatewayId}/routes/${taken.id}`)).body.result).toEqual(taken);
  });

  it("saves versions, deploys one, rolls back, and reports which version is active", async () => {
    const gatewayId = await newGateway();
    const route = await newRoute(gatewayId);
    const base = `/gateways/${gatewayId}/routes/${route.id}`;
    const v1 = route.version.version_id;
    const saved = await api.call<{ version_id: string; active: string; elements: unknown[] }>(
      "POST",
      `${base}/versions`,
      { elements: graph("claude-3-5-haiku", "anthropic"), comment: "try anthropic" },
    );
    expect(saved.status).toBe(200);
    expect(saved.body.result).toMatchObject({ id: route.id, name: route.name, active: "false" });
    const v2 = saved.body.result.version_id;
    expect((await api.call<RouteObject>("GET", base)).body.result.version.version_id).toBe(v1);

    const deployed = await api.call<RouteObject>("POST", `${base}/deployments`, {
      version_id: v2,
      comment: "ship it",
    });
    expect(deployed.body.result).toMatchObject({
      deployment: { version_id: v2, comment: "ship it" },
      version: { version_id: v2, active: "true", comment: "try anthropic" },
    });
    expect(deployed.body.result.elements[1]).toMatchObject({ properties: { provider: "anthropic" } });

    const versions = await api.call<{ version_id: string; active: string }[]>("GET", `${base}/versions`);
    expect(versions.body.result.map((version) => [version.version_id, version.active])).toEqual([
      [v2, "true"],
      [v1, "false"],
    ]);
    expect((versions.body as unknown as ListBody<"versions", unknown>).data.versions).toHaveLength(2);
    const one = await api.call<{ version_id: string; elements: unknown[] }>("GET", `${base}/versions/${v1}`);
    expect(one.body.result).toMatchObject({ version_id: v1, active: "false", elements: route.elements });

    await api.call("POST", `${base}/deployments`, { version_id: v1, comment: "roll back" });
    expect((await api.call<RouteObject>("GET", base)).body.result.deployment).toMatchObject({
      version_id: v1,
      comment: "roll back",
    });
    const history = await api.call<{ version_id: string; comment: string | null }[]>(
      "GET",
      `${base}/deployments`,
    );
    expect(history.body.result.map((entry) => [entry.version_id, entry.comment])).toEqual([
      [v1, "roll back"],
      [v2, "ship it"],
      [v1, null],
    ]);
    expect((history.body as unknown as ListBody<"deployments", unknown>).data.deployments).toHaveLength(3);
  });

  it("refuses an invalid graph with a 400 naming the element, and stores no route or version", async () => {
    const gatewayId = await newGateway();
    const route = await newRoute(gatewayId, "kept");
    const dangling = graph("m");
    dangling[0] = { id: "start", type: "start", outputs: { next: { elementId: "nowhere" } } };
    const refused = await api.call("POST", `/gateways/${gatewayId}/routes`, {
      name: "new",
      elements: dangling,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]?.message).toContain('element "start"');
    expect(refused.body.errors[0]?.message).toContain("nowhere");
    const version = await api.call("POST", `/gateways/${gatewayId}/routes/${route.id}/versions`, {
      elements: [{ id: "start", type: "teleport", outputs: {} }],
    });
    expect(version.status).toBe(400);
    expect(version.body.errors[0]?.message).toContain("unknown node type");
    expect((await api.call<RouteObject[]>("GET", `/gateways/${gatewayId}/routes`)).body.result).toHaveLength(
      1,
    );
    const versions = await api.call<unknown[]>("GET", `/gateways/${gatewayId}/routes/${route.id}/versions`);
    expect(versions.body.result).toHaveLength(1);
  });

  it("deletes a route: it is gone, with its versions, and its name is free again", async () => {
    const gatewayId = await newGateway();
    const route = await newRoute(gatewayId, "doomed");
    const deleted = await api.call<RouteObject>("DELETE", `/gateways/${gatewayId}/routes/${route.id}`);
    expect(deleted.body.result.id).toBe(route.id);
    expect((await api.call("GET", `/gateways/${gatewayId}/routes/${route.id}`)).status).toBe(404);
    expect((await api.call("GET", `/gateways/${gatewayId}/routes/${route.id}/versions`)).status).toBe(404);
    expect((await api.call("DELETE", `/gateways/${gatewayId}/routes/${route.id}`)).status).toBe(404);
    await newRoute(gatewayId, "doomed");
  });

  it("deletes a gateway's routes with it: a gateway re-created with that id has none", async () => {
    const gatewayId = await newGateway();
    await newRoute(gatewayId, "inherited");
    expect((await api.call("DELETE", `/gateways/${gatewayId}`)).status).toBe(200);
    expect((await api.call("GET", `/gateways/${gatewayId}/routes`)).status).toBe(404);
    expect((await api.call("POST", "/gateways", { id: gatewayId, ...gatewaySettings })).status).toBe(200);
    expect((await api.call<unknown[]>("GET", `/gateways/${gatewayId}/routes`)).body.result).toEqual([]);
    expect(await api.deps.routes.getDeployedRoute("acct", gatewayId, "inherited")).toBeNull();
  });
});
