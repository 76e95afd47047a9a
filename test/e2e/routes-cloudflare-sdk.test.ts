import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;
let account_id: string;
const gateway_id = "default";

beforeAll(async () => {
  t = await startTestGateway();
  account_id = t.gateway.accountId;
  client = t.cloudflareClient();
});

afterAll(async () => {
  await t.stop();
});

/**
 * Elements as the SDK types them (DynamicRoutingCreateParams): its spellings `rate` and `window` too,
 * which the gateway stores under the documentation's names (`rate_limit`, `interval`).
 */
function sdkElements(model: string): Cloudflare.AIGateway.DynamicRoutingCreateParams["elements"] {
  return [
    { id: "start", type: "start", outputs: { next: { elementId: "limit" } } },
    {
      id: "limit",
      type: "rate",
      properties: { key: "metadata.user_id", limit: 10, limitType: "count", window: 60 },
      outputs: { success: { elementId: "model" }, fallback: { elementId: "end" } },
    },
    {
      id: "model",
      type: "model",
      properties: { provider: "openai", model, retries: 1, timeout: 5000 },
      outputs: { success: { elementId: "end" }, fallback: { elementId: "end" } },
    },
    { id: "end", type: "end", outputs: {} },
  ];
}

describe("the official cloudflare SDK's dynamicRouting resource", () => {
  it("creates, lists, renames, versions, deploys, rolls back and deletes a route", async () => {
    const routes = client.aiGateway.dynamicRouting;
    const created = await routes.create(gateway_id, {
      account_id,
      name: "sdk-route",
      elements: sdkElements("gpt-4o"),
    });
    expect(created).toMatchObject({ gateway_id, name: "sdk-route", version: { active: "true" } });
    expect(created.deployment.version_id).toBe(created.version.version_id);
    expect(created.elements[1]).toMatchObject({
      type: "rate_limit",
      properties: { interval: 60, limit: 10, limitType: "count", key: "metadata.user_id" },
    });
    const v1 = created.version.version_id;

    const listed = await routes.list(gateway_id, { account_id });
    expect(listed.success).toBe(true);
    expect(listed.data.routes.map((route) => route.id)).toContain(created.id);

    const renamed = await routes.update(created.id, { account_id, gateway_id, name: "sdk-renamed" });
    expect(renamed.route).toMatchObject({ id: created.id, name: "sdk-renamed", account_tag: account_id });

    const version = await routes.createVersion(created.id, {
      account_id,
      gateway_id,
      elements: sdkElements("gpt-4o-mini"),
    });
    expect(version).toMatchObject({ id: created.id, name: "sdk-renamed" });
    const v2 = (version as unknown as { version_id: string }).version_id;

    const versions = await routes.listVersions(created.id, { account_id, gateway_id });
    expect(versions.data.versions.map((entry) => [entry.version_id, entry.active])).toEqual([
      [v2, "false"],
      [v1, "true"],
    ]);
    const fetched = await routes.getVersion(v2, { account_id, gateway_id, id: created.id });
    expect(fetched).toMatchObject({ version_id: v2, active: "false", id: created.id });
    expect(fetched.elements[2]).toMatchObject({ properties: { model: "gpt-4o-mini" } });

    const deployed = await routes.createDeployment(created.id, { account_id, gateway_id, version_id: v2 });
    expect(deployed.elements[2]).toMatchObject({ properties: { model: "gpt-4o-mini" } });
    expect((await routes.get(created.id, { account_id, gateway_id })).deployment.version_id).toBe(v2);

    await routes.createDeployment(created.id, { account_id, gateway_id, version_id: v1 });
    const live = await routes.get(created.id, { account_id, gateway_id });
    expect(live.version).toMatchObject({ version_id: v1, active: "true" });
    expect(live.elements[2]).toMatchObject({ properties: { model: "gpt-4o" } });
    const deployments = await routes.listDeployments(created.id, { account_id, gateway_id });
    expect(deployments.data.deployments.map((entry) => entry.version_id)).toEqual([v1, v2, v1]);

    const deleted = await routes.delete(created.id, { account_id, gateway_id });
    expect(deleted.id).toBe(created.id);
    await expect(routes.get(created.id, { account_id, gateway_id })).rejects.toBeInstanceOf(
      Cloudflare.NotFoundError,
    );
  });

  it("surfaces an invalid graph as the SDK's BadRequestError naming the element", async () => {
    const elements = sdkElements("gpt-4o");
    elements[0] = { id: "start", type: "start", outputs: { next: { elementId: "missing" } } };
    const refused = client.aiGateway.dynamicRouting.create(gateway_id, {
      account_id,
      name: "broken",
      elements,
    });
    await expect(refused).rejects.toBeInstanceOf(Cloudflare.BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      errors: [
        {
          code: 7003,
          message: 'element "start": outputs.next: points to "missing", which is not an element',
        },
      ],
    });
    const listed = await client.aiGateway.dynamicRouting.list(gateway_id, { account_id });
    expect(listed.data.routes.map((route) => route.name)).not.toContain("broken");
  });
});
