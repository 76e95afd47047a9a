import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANAGEMENT_ROUTES } from "../../shared/management/routes.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

interface Envelope {
  success: boolean;
  errors: { code: number; message: string }[];
  result: { id: string; value?: string } & Record<string, unknown>;
}

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(
    // Cloudflare's DLP profiles API sits beside the AI Gateway API, under the account.
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}${path.startsWith("/dlp/") ? "" : "/ai-gateway"}${path}`,
    {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  return { status: response.status, headers: response.headers, body: (await response.json()) as Envelope };
}

const admin = (method: string, path: string, body?: unknown) => call(method, path, TEST_ADMIN_TOKEN, body);

const gatewaySettings = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
  authentication: true,
};

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${++sequence}`;

async function newGateway(): Promise<string> {
  const id = unique("matrix-gw");
  expect((await admin("POST", "/gateways", { id, ...gatewaySettings })).status).toBe(200);
  return id;
}

async function newDlpProfile(): Promise<string> {
  const created = await admin("POST", "/dlp/profiles/custom", {
    name: unique("profile"),
    entries: [{ name: "ids", enabled: true, pattern: { regex: "ID-[0-9]{4}" } }],
  });
  return created.body.result.id;
}

async function newProviderKey(): Promise<string> {
  const created = await admin("POST", "/gateways/default/provider_configs", {
    provider_slug: "openai",
    alias: unique("alias"),
    secret: "sk-matrix-secret-0000000",
  });
  return created.body.result.id;
}

async function newCustomProvider(): Promise<string> {
  const slug = unique("matrix");
  const created = await admin("POST", "/custom-providers", {
    name: slug,
    slug,
    base_url: "https://example.com",
  });
  return created.body.result.id;
}

const routeElements = [
  { id: "start", type: "start", outputs: { next: { elementId: "call" } } },
  {
    id: "call",
    type: "model",
    properties: { provider: "openai", model: "gpt-4o-mini" },
    outputs: { success: { elementId: "end" } },
  },
  { id: "end", type: "end", outputs: {} },
];

/** A dynamic route on `default`, and its first (deployed) version. */
async function newRoute(): Promise<{ id: string; versionId: string }> {
  const created = await admin("POST", "/gateways/default/routes", {
    name: unique("route"),
    elements: routeElements,
  });
  const version = created.body.result.version as { version_id: string };
  return { id: created.body.result.id, versionId: version.version_id };
}

async function newToken(scopes: string[]): Promise<{ id: string; value: string }> {
  const created = await admin("POST", "/tokens", { name: unique("token"), scopes });
  return { id: created.body.result.id, value: String(created.body.result.value) };
}

let logId = "";

/** A log-delete job on `default` (a DELETE whose filter matches nothing), for the job routes. */
async function newDeleteJob(): Promise<string> {
  const filters = encodeURIComponent(JSON.stringify([{ key: "id", operator: "eq", value: ["none"] }]));
  const started = await admin("DELETE", `/gateways/default/logs?filters=${filters}`);
  return started.body.result.id;
}

interface Row {
  /** The request a caller with the right scope sends; ids come from resources made for the row. */
  request(): Promise<{ path: string; body?: unknown }>;
  /** The status a caller with the right scope gets. */
  status: number;
}

/**
 * One row per route the API serves. A route added to MANAGEMENT_ROUTES without a row here fails
 * "covers every route of the table, and nothing else".
 */
const ROWS: Record<string, Row> = {
  "POST /gateways": {
    request: async () => ({ path: "/gateways", body: { id: unique("created"), ...gatewaySettings } }),
    status: 200,
  },
  "GET /gateways": { request: async () => ({ path: "/gateways" }), status: 200 },
  "GET /dlp/profiles": { request: async () => ({ path: "/dlp/profiles" }), status: 200 },
  "GET /dlp/profiles/{profile_id}": {
    request: async () => ({ path: "/dlp/profiles/financial-information" }),
    status: 200,
  },
  "POST /dlp/profiles/custom": {
    request: async () => ({ path: "/dlp/profiles/custom", body: { name: unique("profile") } }),
    status: 200,
  },
  "GET /dlp/profiles/custom/{profile_id}": {
    request: async () => ({ path: `/dlp/profiles/custom/${await newDlpProfile()}` }),
    status: 200,
  },
  "PUT /dlp/profiles/custom/{profile_id}": {
    request: async () => ({
      path: `/dlp/profiles/custom/${await newDlpProfile()}`,
      body: { name: unique("renamed") },
    }),
    status: 200,
  },
  "DELETE /dlp/profiles/custom/{profile_id}": {
    request: async () => ({ path: `/dlp/profiles/custom/${await newDlpProfile()}` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}": {
    request: async () => ({ path: `/gateways/${await newGateway()}` }),
    status: 200,
  },
  "PUT /gateways/{gateway_id}": {
    request: async () => ({ path: `/gateways/${await newGateway()}`, body: gatewaySettings }),
    status: 200,
  },
  "DELETE /gateways/{gateway_id}": {
    request: async () => ({ path: `/gateways/${await newGateway()}` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs": {
    request: async () => ({ path: "/gateways/default/logs" }),
    status: 200,
  },
  "DELETE /gateways/{gateway_id}/logs": {
    // A filter that matches nothing: the route runs, and the log the other rows read stays.
    request: async () => ({
      path: `/gateways/default/logs?filters=${encodeURIComponent(JSON.stringify([{ key: "id", operator: "eq", value: ["none"] }]))}`,
    }),
    status: 200,
  },
  "PATCH /gateways/{gateway_id}/logs/{log_id}": {
    request: async () => ({ path: `/gateways/default/logs/${logId}`, body: { feedback: 1 } }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/analytics": {
    request: async () => ({
      path: "/gateways/default/analytics?start=2026-11-25T00:00:00Z&end=2026-11-26T00:00:00Z",
    }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs/deletes": {
    request: async () => ({ path: "/gateways/default/logs/deletes" }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs/deletes/{job_id}": {
    request: async () => ({ path: `/gateways/default/logs/deletes/${await newDeleteJob()}` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs/{log_id}": {
    request: async () => ({ path: `/gateways/default/logs/${logId}` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs/{log_id}/request": {
    request: async () => ({ path: `/gateways/default/logs/${logId}/request` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/logs/{log_id}/response": {
    request: async () => ({ path: `/gateways/default/logs/${logId}/response` }),
    status: 200,
  },
  "POST /gateways/{gateway_id}/provider_configs": {
    request: async () => ({
      path: "/gateways/default/provider_configs",
      body: { provider_slug: "anthropic", alias: unique("alias"), secret: "sk-ant-matrix-secret-000" },
    }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/provider_configs": {
    request: async () => ({ path: "/gateways/default/provider_configs" }),
    status: 200,
  },
  "DELETE /gateways/{gateway_id}/provider_configs/{config_id}": {
    request: async () => ({ path: `/gateways/default/provider_configs/${await newProviderKey()}` }),
    status: 200,
  },
  "POST /gateways/{gateway_id}/routes": {
    request: async () => ({
      path: "/gateways/default/routes",
      body: { name: unique("created-route"), elements: routeElements },
    }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/routes": {
    request: async () => ({ path: "/gateways/default/routes" }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}": {
    request: async () => ({ path: `/gateways/default/routes/${(await newRoute()).id}` }),
    status: 200,
  },
  "PATCH /gateways/{gateway_id}/routes/{route_id}": {
    request: async () => ({
      path: `/gateways/default/routes/${(await newRoute()).id}`,
      body: { name: unique("renamed") },
    }),
    status: 200,
  },
  "DELETE /gateways/{gateway_id}/routes/{route_id}": {
    request: async () => ({ path: `/gateways/default/routes/${(await newRoute()).id}` }),
    status: 200,
  },
  "POST /gateways/{gateway_id}/routes/{route_id}/versions": {
    request: async () => ({
      path: `/gateways/default/routes/${(await newRoute()).id}/versions`,
      body: { elements: routeElements },
    }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/versions": {
    request: async () => ({ path: `/gateways/default/routes/${(await newRoute()).id}/versions` }),
    status: 200,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/versions/{version_id}": {
    request: async () => {
      const route = await newRoute();
      return { path: `/gateways/default/routes/${route.id}/versions/${route.versionId}` };
    },
    status: 200,
  },
  "POST /gateways/{gateway_id}/routes/{route_id}/deployments": {
    request: async () => {
      const route = await newRoute();
      return {
        path: `/gateways/default/routes/${route.id}/deployments`,
        body: { version_id: route.versionId, comment: "redeploy" },
      };
    },
    status: 200,
  },
  "GET /gateways/{gateway_id}/routes/{route_id}/deployments": {
    request: async () => ({ path: `/gateways/default/routes/${(await newRoute()).id}/deployments` }),
    status: 200,
  },
  "POST /custom-providers": {
    request: async () => {
      const slug = unique("created");
      return { path: "/custom-providers", body: { name: slug, slug, base_url: "https://example.com" } };
    },
    status: 200,
  },
  "GET /custom-providers": { request: async () => ({ path: "/custom-providers" }), status: 200 },
  "GET /custom-providers/{provider_id}": {
    request: async () => ({ path: `/custom-providers/${await newCustomProvider()}` }),
    status: 200,
  },
  "PATCH /custom-providers/{provider_id}": {
    request: async () => ({ path: `/custom-providers/${await newCustomProvider()}`, body: { enable: true } }),
    status: 200,
  },
  "DELETE /custom-providers/{provider_id}": {
    request: async () => ({ path: `/custom-providers/${await newCustomProvider()}` }),
    status: 200,
  },
  "POST /tokens": {
    // The edit token below holds read and edit, not run: it may grant only those (docs/security.md).
    request: async () => ({ path: "/tokens", body: { name: "made", scopes: ["read", "edit"] } }),
    status: 200,
  },
  "GET /tokens": { request: async () => ({ path: "/tokens" }), status: 200 },
  "DELETE /tokens/{token_id}": {
    request: async () => ({ path: `/tokens/${(await newToken(["run"])).id}` }),
    status: 200,
  },
};

/** The same path with placeholder ids, for callers that are refused before the route runs. */
function placeholderPath(path: string): string {
  return path
    .replace("{gateway_id}", "default")
    .replace(/\{[a-z_]+_id\}/g, "00000000-0000-4000-8000-000000000000");
}

let tokens: { read: string; edit: string; run: string; revoked: string };

beforeAll(async () => {
  t = await startTestGateway();
  const revoked = await newToken(["read", "edit"]);
  expect((await admin("DELETE", `/tokens/${revoked.id}`)).status).toBe(200);
  tokens = {
    read: (await newToken(["read"])).value,
    edit: (await newToken(["edit"])).value,
    run: (await newToken(["run"])).value,
    revoked: revoked.value,
  };
  const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
    method: "POST",
    headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.text();
  logId = response.headers.get("cf-aig-log-id") ?? "";
  await t.waitForLog(logId);
});

afterAll(async () => {
  await t.stop();
});

describe("every management route x every kind of caller", () => {
  it("covers every route of the table, and nothing else", () => {
    const table = MANAGEMENT_ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(Object.keys(ROWS).sort()).toEqual(table);
  });

  describe.each(MANAGEMENT_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s",
    (key, route) => {
      const path = placeholderPath(route.path);
      const body = route.method === "GET" || route.method === "DELETE" ? undefined : {};

      it("refuses a request without a token: 401, code 10000", async () => {
        const { status, body: envelope } = await call(route.method, path, null, body);
        expect(status).toBe(401);
        expect(envelope).toMatchObject({ success: false, errors: [{ code: 10000 }] });
      });

      it("refuses a wrong token: 401", async () => {
        expect(
          (await call(route.method, path, "aig_wrong0000000000000000000000000000000000000", body)).status,
        ).toBe(401);
        expect((await call(route.method, path, "not-even-our-format", body)).status).toBe(401);
      });

      it("refuses a revoked token: 401", async () => {
        expect((await call(route.method, path, tokens.revoked, body)).status).toBe(401);
      });

      it(`refuses a token without the ${route.scope} scope: 403, code 10000`, async () => {
        const lacking = route.scope === "read" ? tokens.run : tokens.read;
        const { status, body: envelope } = await call(route.method, path, lacking, body);
        expect(status).toBe(403);
        expect(envelope.errors[0]).toEqual({
          code: 10000,
          message: `Authentication error: token lacks the ${route.scope} scope`,
        });
      });

      it("serves a token with the scope", async () => {
        const row = ROWS[key];
        if (!row) throw new Error(`no row for ${key}`);
        const request = await row.request();
        const token = route.scope === "read" ? tokens.read : tokens.edit;
        const { status, body: envelope } = await call(route.method, request.path, token, request.body);
        expect({ status, errors: envelope.errors }).toEqual({ status: row.status, errors: [] });
        expect(envelope.success).toBe(true);
      });
    },
  );

  it("lets an edit token read too, and the admin token do everything", async () => {
    expect((await call("GET", "/gateways", tokens.edit)).status).toBe(200);
    expect((await call("GET", "/tokens", TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  it("answers 404 for an unknown path and 405 (with Allow) for a wrong method, once authenticated", async () => {
    expect((await call("GET", "/nothing-here", tokens.read)).status).toBe(404);
    expect((await call("GET", "/nothing-here", null)).status).toBe(401);
    const wrong = await call("PATCH", "/gateways/default", tokens.edit, {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PUT, DELETE");
  });

  it("answers 404 for another account's path", async () => {
    const response = await fetch(`${t.gateway.url}/client/v4/accounts/someone-else/ai-gateway/gateways`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(404);
  });
});
