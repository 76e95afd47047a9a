import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { dynamicRouteName, loadDynamicRoute } from "../../../../shared/routing/dynamic-model.ts";
import type { DeployedRoute, RouteReader } from "../../../../shared/routing/route-reader.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";

const deployed: DeployedRoute = { routeId: "r1", name: "support", versionId: "v1", elements: [] };
const reader: RouteReader = {
  getDeployedRoute: async (accountId, gatewayId, name) =>
    accountId === "acct" && gatewayId === "default" && name === "support" ? deployed : null,
};
const authenticated = defaultGateway("default", new Date(0));
const open = { ...authenticated, authentication: false };

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe("dynamicRouteName", () => {
  it("reads the route name of dynamic/<name> and nothing else", () => {
    expect(dynamicRouteName("dynamic/support")).toBe("support");
    expect(dynamicRouteName("openai/gpt-4o")).toBeNull();
    expect(dynamicRouteName(undefined)).toBeNull();
  });
});

describe("loadDynamicRoute", () => {
  it("returns the deployed route of an authenticated gateway, and on the REST surface", async () => {
    expect(await loadDynamicRoute("support", reader, "acct", authenticated, "compat")).toBe(deployed);
    expect(await loadDynamicRoute("support", reader, "acct", open, "rest")).toBe(deployed);
  });

  it("refuses the compat surface of a gateway without authentication with a 403", async () => {
    const error = await refusal(loadDynamicRoute("support", reader, "acct", open, "compat"));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/need an authenticated gateway/);
  });

  it("answers 404 naming an unknown route, and 400 for an empty name", async () => {
    const missing = await refusal(loadDynamicRoute("nope", reader, "acct", authenticated, "compat"));
    expect([missing.status, missing.message]).toEqual([
      404,
      'No deployed route "nope" on gateway "default": create the route and deploy a version',
    ]);
    expect((await refusal(loadDynamicRoute("", reader, "acct", authenticated, "compat"))).status).toBe(400);
    expect(
      (await refusal(loadDynamicRoute("support", undefined, "acct", authenticated, "compat"))).status,
    ).toBe(404);
  });
});
