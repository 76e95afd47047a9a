import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../shared/store/dynamo-client.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

async function send(method: string, path: string, body?: string) {
  const response = await fetch(
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway${path}`,
    {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
      body,
    },
  );
  const envelope = (await response.json()) as { success: boolean; errors: { message: string }[] };
  return { status: response.status, envelope };
}

/** The whole config table: gateways, tokens, keys, custom providers. */
async function configTable(): Promise<unknown[]> {
  const client = createDocumentClient();
  const items: unknown[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: process.env.CONFIG_TABLE_NAME,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const json = (value: unknown) => JSON.stringify(value);
const gateway = {
  cache_invalidate_on_update: false,
  cache_ttl: 0,
  collect_logs: true,
  rate_limiting_interval: 0,
  rate_limiting_limit: 0,
};
const provider = { name: "Acme", slug: "acme", base_url: "https://api.acme.example" };
const key = { provider_slug: "openai", secret: "sk-valid-secret-000000" };
const oversize = json({ ...gateway, id: "big", padding: "x".repeat(70 * 1024) });
const unknownUuid = "00000000-0000-4000-8000-000000000000";

let customProviderId = "";
let routeId = "";
let routeVersionId = "";

const routeGraph = [
  { id: "start", type: "start", outputs: { next: { elementId: "call" } } },
  {
    id: "call",
    type: "model",
    properties: { provider: "openai", model: "gpt-4o-mini" },
    outputs: { success: { elementId: "end" } },
  },
  { id: "end", type: "end", outputs: {} },
];
const withElement = (index: number, element: unknown) =>
  routeGraph.map((existing, at) => (at === index ? element : existing));
const loop = withElement(1, {
  ...routeGraph[1],
  outputs: { success: { elementId: "end" }, fallback: { elementId: "call" } },
});

/** [method, path, body, status, what the message must say]. */
type Case = [string, string, string | undefined, number, string | RegExp];

function cases(): Case[] {
  const cp = `/custom-providers/${customProviderId}`;
  return [
    // Gateways
    ["POST", "/gateways", "{not json", 400, "Request body is not valid JSON"],
    ["POST", "/gateways", "", 400, "Request body is empty"],
    ["POST", "/gateways", "[1,2]", 400, "Request body must be a JSON object"],
    ["POST", "/gateways", oversize, 413, "Request body too large"],
    ["POST", "/gateways", json({ id: "gw" }), 400, "cache_ttl: is required (number)"],
    [
      "POST",
      "/gateways",
      json({ ...gateway, id: "gw", cache_ttl: "60" }),
      400,
      "cache_ttl: Invalid input: expected number",
    ],
    ["POST", "/gateways", json({ ...gateway, id: "g".repeat(65) }), 400, "id: must be 1-64 characters"],
    ["POST", "/gateways", json({ ...gateway, id: "bad id" }), 400, "id: must be 1-64 characters"],
    ["POST", "/gateways", json({ ...gateway, id: "gw", foo: 1 }), 400, 'Unknown field "foo"'],
    ["POST", "/gateways", json({ ...gateway, id: "gw", zdr: true }), 400, "zdr: Zero Data Retention"],
    [
      "POST",
      "/gateways",
      json({ ...gateway, id: "gw", retry_max_attempts: 9 }),
      400,
      "retry_max_attempts: Too big",
    ],
    [
      "POST",
      "/gateways",
      json({ ...gateway, id: "gw", rate_limiting_technique: "x" }),
      400,
      "rate_limiting_technique",
    ],
    ["POST", "/gateways", json({ ...gateway, id: "default" }), 409, 'Gateway "default" already exists'],
    ["GET", "/gateways?per_page=51", undefined, 400, "per_page: Too big"],
    ["GET", "/gateways?page=abc", undefined, 400, "page: Invalid input"],
    ["GET", "/gateways?sort=id", undefined, 400, 'Unknown query parameter "sort"'],
    ["GET", "/gateways/bad$id", undefined, 400, 'Invalid gateway id "bad$id"'],
    ["GET", "/gateways/missing", undefined, 404, 'Unknown gateway "missing"'],
    ["PUT", "/gateways/default", "{", 400, "Request body is not valid JSON"],
    [
      "PUT",
      "/gateways/default",
      json({ ...gateway, collect_logs: "yes" }),
      400,
      "collect_logs: Invalid input",
    ],
    ["PUT", "/gateways/default", json({ ...gateway, extra: true }), 400, 'Unknown field "extra"'],
    [
      "PUT",
      "/gateways/default",
      json({ ...gateway, id: "other" }),
      400,
      "does not match the gateway in the path",
    ],
    ["PUT", "/gateways/default", json({ ...gateway, authentication: false }), 400, "cannot be turned off"],
    ["PUT", "/gateways/missing", json(gateway), 404, 'Unknown gateway "missing"'],
    ["PUT", `/gateways/${"g".repeat(65)}`, json(gateway), 400, "Invalid gateway id"],
    ["DELETE", "/gateways/bad$id", undefined, 400, "Invalid gateway id"],
    ["DELETE", "/gateways/missing", undefined, 404, 'Unknown gateway "missing"'],
    // Logs
    ["GET", "/gateways/bad$id/logs", undefined, 400, "Invalid gateway id"],
    ["GET", "/gateways/default/logs?per_page=0", undefined, 400, "per_page: Too small"],
    ["GET", "/gateways/default/logs?order_by=colour", undefined, 400, "order_by"],
    ["GET", "/gateways/default/logs?filters=x", undefined, 400, "filters: must be a JSON array"],
    ["GET", `/gateways/default/logs/${"l".repeat(129)}`, undefined, 400, "Invalid log id"],
    ["GET", `/gateways/default/logs/${unknownUuid}/request`, undefined, 404, "Unknown log"],
    // Provider keys
    ["POST", "/gateways/default/provider_configs", "nope", 400, "Request body is not valid JSON"],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, provider_slug: "nope" }),
      400,
      "provider_slug",
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, alias: "a b" }),
      400,
      "alias: must be 1-64",
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, secret: 42 }),
      400,
      "secret: Invalid input",
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, secret: "s".repeat(16_385) }),
      400,
      "secret: Too big",
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, color: "red" }),
      400,
      'Unknown field "color"',
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, secret_id: "x" }),
      400,
      'Field "secret_id"',
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ provider_slug: "aws-bedrock", secret: "AKIA/secret" }),
      400,
      "for aws-bedrock must be a JSON string",
    ],
    [
      "POST",
      "/gateways/default/provider_configs",
      json({ ...key, provider_slug: "custom-nope" }),
      400,
      "no custom provider",
    ],
    ["POST", "/gateways/open/provider_configs", json(key), 400, "need an authenticated gateway"],
    ["POST", "/gateways/missing/provider_configs", json(key), 404, 'Unknown gateway "missing"'],
    ["GET", "/gateways/default/provider_configs?per_page=x", undefined, 400, "per_page"],
    ["DELETE", "/gateways/default/provider_configs/not-a-uuid", undefined, 400, "must be a UUID"],
    [
      "DELETE",
      `/gateways/default/provider_configs/${unknownUuid}`,
      undefined,
      404,
      "Unknown provider config",
    ],
    // Custom providers
    ["POST", "/custom-providers", "{'single': 'quotes'}", 400, "Request body is not valid JSON"],
    [
      "POST",
      "/custom-providers",
      json({ ...provider, slug: "acme2", base_url: "http://x.example" }),
      400,
      "https://",
    ],
    [
      "POST",
      "/custom-providers",
      json({ ...provider, slug: "acme2", name: "n".repeat(257) }),
      400,
      "name: Too big",
    ],
    ["POST", "/custom-providers", json({ ...provider, slug: "Acme_2" }), 400, "slug: must be 1-64"],
    [
      "POST",
      "/custom-providers",
      json({ ...provider, slug: "acme2", enable: "yes" }),
      400,
      "enable: Invalid input",
    ],
    ["POST", "/custom-providers", json({ ...provider, slug: "acme2", position: 1 }), 400, 'Field "position"'],
    ["POST", "/custom-providers", json(provider), 409, 'slug "acme" already exists'],
    ["GET", "/custom-providers?per_page=101", undefined, 400, "per_page: Too big"],
    ["GET", "/custom-providers?order_by=base_url", undefined, 400, "order_by"],
    ["GET", "/custom-providers/not-a-uuid", undefined, 400, "must be a UUID"],
    ["GET", `/custom-providers/${unknownUuid}`, undefined, 404, "Unknown custom provider"],
    ["PATCH", cp, "{", 400, "Request body is not valid JSON"],
    ["PATCH", cp, json({ base_url: "https://x.example/?q=1" }), 400, "query string"],
    ["PATCH", cp, json({ slug: "x".repeat(65) }), 400, "slug: must be 1-64"],
    ["PATCH", cp, json({ nickname: "x" }), 400, 'Unknown field "nickname"'],
    ["PATCH", `/custom-providers/${unknownUuid}`, json({ enable: true }), 404, "Unknown custom provider"],
    ["DELETE", "/custom-providers/123", undefined, 400, "must be a UUID"],
    // Dynamic routes
    ["POST", "/gateways/default/routes", "{", 400, "Request body is not valid JSON"],
    ["POST", "/gateways/default/routes", json({ name: "r" }), 400, "elements: is required"],
    ["POST", "/gateways/default/routes", json({ elements: routeGraph }), 400, "name: is required"],
    [
      "POST",
      "/gateways/default/routes",
      json({ name: "a b", elements: routeGraph }),
      400,
      "name: must be 1-64",
    ],
    [
      "POST",
      "/gateways/default/routes",
      json({ name: "r", elements: routeGraph, version: 2 }),
      400,
      'Unknown field "version"',
    ],
    ["POST", "/gateways/default/routes", json({ name: "r", elements: [] }), 400, "elements:"],
    [
      "POST",
      "/gateways/default/routes",
      json({
        name: "r",
        elements: withElement(0, { id: "start", type: "start", outputs: { next: { elementId: "gone" } } }),
      }),
      400,
      /element "start".*"gone"/,
    ],
    [
      "POST",
      "/gateways/default/routes",
      json({ name: "r", elements: withElement(2, { id: "end", type: "wormhole", outputs: {} }) }),
      400,
      /element "end".*unknown node type/,
    ],
    ["POST", "/gateways/default/routes", json({ name: "r", elements: loop }), 400, /element "call"/],
    ["POST", "/gateways/default/routes", json({ name: "taken", elements: routeGraph }), 409, 'named "taken"'],
    [
      "POST",
      "/gateways/missing/routes",
      json({ name: "r", elements: routeGraph }),
      404,
      'Unknown gateway "missing"',
    ],
    ["GET", "/gateways/default/routes?per_page=51", undefined, 400, "per_page: Too big"],
    ["GET", "/gateways/default/routes?order=name", undefined, 400, 'Unknown query parameter "order"'],
    ["GET", "/gateways/default/routes/not-a-uuid", undefined, 400, "Invalid route id"],
    ["GET", `/gateways/default/routes/${unknownUuid}`, undefined, 404, "Unknown route"],
    [
      "PATCH",
      `/gateways/default/routes/${routeId}`,
      json({ name: "taken", elements: [] }),
      400,
      'Unknown field "elements"',
    ],
    ["PATCH", `/gateways/default/routes/${routeId}`, json({ name: "-dash" }), 400, "name: must be 1-64"],
    ["PATCH", `/gateways/default/routes/${unknownUuid}`, json({ name: "x" }), 404, "Unknown route"],
    ["DELETE", "/gateways/default/routes/123", undefined, 400, "Invalid route id"],
    ["DELETE", `/gateways/default/routes/${unknownUuid}`, undefined, 404, "Unknown route"],
    ["POST", `/gateways/default/routes/${routeId}/versions`, json({ elements: loop }), 400, /element "call"/],
    [
      "POST",
      `/gateways/default/routes/${routeId}/versions`,
      json({ elements: routeGraph, note: "x" }),
      400,
      'Unknown field "note"',
    ],
    [
      "POST",
      `/gateways/default/routes/${routeId}/versions`,
      json({ elements: routeGraph, comment: "c".repeat(501) }),
      400,
      "comment: Too big",
    ],
    [
      "POST",
      `/gateways/default/routes/${unknownUuid}/versions`,
      json({ elements: routeGraph }),
      404,
      "Unknown route",
    ],
    ["GET", `/gateways/default/routes/${routeId}/versions/nope`, undefined, 400, "Invalid version id"],
    ["GET", `/gateways/default/routes/${routeId}/versions/${unknownUuid}`, undefined, 404, "Unknown version"],
    ["POST", `/gateways/default/routes/${routeId}/deployments`, json({}), 400, "version_id: is required"],
    [
      "POST",
      `/gateways/default/routes/${routeId}/deployments`,
      json({ version_id: "v1" }),
      400,
      "version_id: must be a version id",
    ],
    [
      "POST",
      `/gateways/default/routes/${routeId}/deployments`,
      json({ version_id: unknownUuid }),
      400,
      `has no version "${unknownUuid}"`,
    ],
    [
      "POST",
      `/gateways/default/routes/${routeId}/deployments`,
      json({ version_id: routeVersionId, force: true }),
      400,
      'Unknown field "force"',
    ],
    [
      "POST",
      `/gateways/default/routes/${unknownUuid}/deployments`,
      json({ version_id: routeVersionId }),
      404,
      "Unknown route",
    ],
    // Tokens
    ["POST", "/tokens", "{", 400, "Request body is not valid JSON"],
    ["POST", "/tokens", json({ name: "t", scopes: ["admin"] }), 400, "scopes.0: Invalid option"],
    ["POST", "/tokens", json({ name: "t", scopes: "read" }), 400, "scopes: Invalid input"],
    ["POST", "/tokens", json({ name: "n".repeat(257), scopes: ["read"] }), 400, "name: Too big"],
    ["POST", "/tokens", json({ name: "t", scopes: ["read"], expires: 1 }), 400, 'Unknown field "expires"'],
    ["GET", "/tokens?page=0", undefined, 400, "page: Too small"],
    ["DELETE", "/tokens/not-a-uuid", undefined, 400, "must be a UUID"],
    ["DELETE", `/tokens/${unknownUuid}`, undefined, 404, "Unknown token"],
  ];
}

let before: unknown[];

beforeAll(async () => {
  t = await startTestGateway();
  expect((await send("GET", "/gateways/default")).status).toBe(200);
  expect((await send("POST", "/gateways", json({ ...gateway, id: "open" }))).status).toBe(200);
  expect((await send("POST", "/gateways/default/provider_configs", json(key))).status).toBe(200);
  const created = await send("POST", "/custom-providers", json(provider));
  customProviderId = (created.envelope as unknown as { result: { id: string } }).result.id;
  expect((await send("POST", "/tokens", json({ name: "t", scopes: ["read"] }))).status).toBe(200);
  const route = await send("POST", "/gateways/default/routes", json({ name: "taken", elements: routeGraph }));
  const routeResult = (
    route.envelope as unknown as { result: { id: string; version: { version_id: string } } }
  ).result;
  routeId = routeResult.id;
  routeVersionId = routeResult.version.version_id;
  before = await configTable();
});

afterAll(async () => {
  await t.stop();
});

describe("bad input on every route", () => {
  it("is answered with a 4xx whose message says what is wrong", async () => {
    const failures: string[] = [];
    for (const [method, path, body, status, message] of cases()) {
      const { status: got, envelope } = await send(method, path, body);
      const text = envelope.errors[0]?.message ?? "";
      const matches = typeof message === "string" ? text.includes(message) : message.test(text);
      if (got !== status || !matches || envelope.success !== false) {
        failures.push(`${method} ${path.slice(0, 60)}: ${got} "${text.slice(0, 160)}"`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("writes nothing: the config table is exactly as before", async () => {
    expect(await configTable()).toEqual(before);
  });

  it("covers every mutating route of the API", () => {
    const covered = new Set(
      cases().map(([method, path]) => `${method} ${path.split("/")[1]?.split("?")[0]}`),
    );
    for (const expected of ["POST gateways", "PUT gateways", "DELETE gateways", "POST custom-providers"]) {
      expect(covered).toContain(expected);
    }
    for (const expected of [
      "PATCH custom-providers",
      "PATCH gateways",
      "DELETE custom-providers",
      "POST tokens",
      "DELETE tokens",
    ]) {
      expect(covered).toContain(expected);
    }
  });
});
