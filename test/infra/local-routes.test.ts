import { describe, expect, it } from "vitest";
import { matchRoute, ROUTES } from "../../infra/local/routes.ts";
import { synthGateway } from "./synth-gateway.ts";

interface MethodProperties {
  HttpMethod: string;
  ResourceId: { Ref: string };
  Integration: { Uri: unknown };
}

/** A concrete path for a resource: each `{param}` and `{param+}` filled in (greedy ones with two segments). */
function samplePath(resource: string): string {
  return resource.replace(/\{([a-z_]+)(\+?)\}/g, (_, name: string, greedy: string) =>
    greedy ? `${name}-1/${name}-2` : `${name}-1`,
  );
}

describe("the local front's route table (infra/local/routes.ts)", () => {
  const { stack, template, logicalId } = synthGateway();
  const resources = template.findResources("AWS::ApiGateway::Resource") as Record<
    string,
    { Properties: { PathPart: string; ParentId: { Ref?: string } } }
  >;
  /** The full path of an API Gateway resource, rebuilt from its PathPart and parents. */
  const pathOf = (resourceLogicalId: string): string => {
    const resource = resources[resourceLogicalId];
    if (!resource) return "";
    const parent = resource.Properties.ParentId.Ref;
    return `${parent ? pathOf(parent) : ""}/${resource.Properties.PathPart}`;
  };
  const functions = { proxy: stack.gateway.proxyFunction, api: stack.gateway.apiFunction };
  const targetOf = (method: MethodProperties): string | undefined =>
    Object.entries(functions).find(([, fn]) =>
      JSON.stringify(method.Integration.Uri).includes(`"${logicalId(fn)}"`),
    )?.[0];
  const stackRoutes = Object.values(
    template.findResources("AWS::ApiGateway::Method") as Record<string, { Properties: MethodProperties }>,
  ).map(({ Properties: method }) => ({
    method: method.HttpMethod,
    // The root's methods hang on the API's root resource id (no Ref, no PathPart).
    resource: method.ResourceId.Ref ? pathOf(method.ResourceId.Ref) : "/",
    target: targetOf(method),
  }));

  it("serves the REST API's resources, each from the same function, for any method", () => {
    const byResource = (a: { resource: string }, b: { resource: string }) =>
      a.resource.localeCompare(b.resource);
    expect(
      ROUTES.map(({ resource, target }) => ({ method: "ANY", resource, target })).sort(byResource),
    ).toEqual([...stackRoutes].sort(byResource));
  });

  it.each(ROUTES.map((route) => route.resource))("matches a path under %s to that resource", (resource) => {
    expect(matchRoute(samplePath(resource))?.resource).toBe(resource);
  });
});
