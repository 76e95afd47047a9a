import { describe, expect, it } from "vitest";
import { ManagementRouter } from "../../../../shared/management/router.ts";
import { MANAGEMENT_ROUTES } from "../../../../shared/management/routes.ts";

const router = new ManagementRouter(MANAGEMENT_ROUTES);
const base = "/client/v4/accounts/acct/ai-gateway";

describe("ManagementRouter", () => {
  it("matches a route and decodes its parameters and the account", () => {
    const match = router.match("GET", `${base}/gateways/my-gw/logs/abc%2Dd/response`);
    expect(match).toMatchObject({
      kind: "route",
      accountId: "acct",
      params: { gateway_id: "my-gw", log_id: "abc-d" },
      route: { path: "/gateways/{gateway_id}/logs/{log_id}/response" },
    });
  });

  it('routes .../logs/deletes to the delete jobs, not to a log with the id "deletes", and log ids to logs', () => {
    expect(router.match("GET", `${base}/gateways/gw/logs/deletes`)).toMatchObject({
      route: { path: "/gateways/{gateway_id}/logs/deletes" },
    });
    expect(
      router.match("GET", `${base}/gateways/gw/logs/deletes/01a24a6e-e98a-7fee-b326-69457f4193b9`),
    ).toMatchObject({
      params: { job_id: "01a24a6e-e98a-7fee-b326-69457f4193b9" },
      route: { path: "/gateways/{gateway_id}/logs/deletes/{job_id}" },
    });
    expect(
      router.match("GET", `${base}/gateways/gw/logs/01a24a6e-e98a-7fee-b326-69457f4193b9`),
    ).toMatchObject({
      route: { path: "/gateways/{gateway_id}/logs/{log_id}" },
    });
  });

  it("tolerates one trailing slash", () => {
    expect(router.match("GET", `${base}/gateways/`)).toMatchObject({
      kind: "route",
      route: { path: "/gateways" },
    });
  });

  it("tells a known path with another method (405, and what is allowed) from an unknown path (404)", () => {
    expect(router.match("PATCH", `${base}/gateways/gw`)).toEqual({
      kind: "wrong-method",
      allowed: ["GET", "PUT", "DELETE"],
    });
    expect(router.match("GET", `${base}/nothing`)).toEqual({ kind: "none" });
    expect(router.match("GET", "/client/v4/accounts/acct/other")).toEqual({ kind: "none" });
  });

  it("matches Cloudflare's DLP profiles API beside the AI Gateway API, and only there", () => {
    expect(router.match("GET", "/client/v4/accounts/acct/dlp/profiles/financial-information")).toMatchObject({
      kind: "route",
      accountId: "acct",
      params: { profile_id: "financial-information" },
      route: { path: "/dlp/profiles/{profile_id}" },
    });
    expect(router.match("GET", `${base}/dlp/profiles`)).toEqual({ kind: "none" });
    expect(router.match("GET", "/client/v4/accounts/acct/dlp/gateways")).toEqual({ kind: "none" });
  });

  it("does not let a parameter span segments", () => {
    expect(router.match("GET", `${base}/gateways/a/b`)).toEqual({ kind: "none" });
  });

  it("refuses malformed percent-encoding with 400", () => {
    expect(() => router.match("GET", `${base}/gateways/%E0%A4%A`)).toThrow(/Malformed percent-encoding/);
  });

  it("has one route per method and path", () => {
    const keys = MANAGEMENT_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("requires edit for every change and read for every read", () => {
    for (const route of MANAGEMENT_ROUTES) expect(route.scope).toBe(route.method === "GET" ? "read" : "edit");
  });
});
