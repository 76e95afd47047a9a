import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { accountPath } from "../../../../shared/management/route-types.ts";
import { MANAGEMENT_ROUTES } from "../../../../shared/management/routes.ts";
import { MANAGEMENT_OPERATIONS } from "../../../../shared/openapi/management-operations.ts";
import { buildOpenApiDocument } from "../../../../shared/openapi/openapi-document.ts";
import { tokenCreateInputSchema } from "../../../../shared/schemas/api-token.ts";
import { gatewayUpdateInputSchema } from "../../../../shared/schemas/gateway-input.ts";

type Operation = {
  operationId?: string;
  requestBody?: { content: { "application/json": { schema: Record<string, unknown> } } };
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

const PREFIX = "/client/v4/accounts/{account_id}";
const document = buildOpenApiDocument() as Document;

describe("the OpenAPI document", () => {
  it("has an operation for every management route, and none for a route that does not exist", () => {
    for (const route of MANAGEMENT_ROUTES) {
      expect(
        document.paths[`${PREFIX}${accountPath(route)}`]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
    const routes = new Set(MANAGEMENT_ROUTES.map((route) => `${route.method} ${route.path}`));
    expect(Object.keys(MANAGEMENT_OPERATIONS).filter((key) => !routes.has(key))).toEqual([]);
  });

  it("is the checked-in docs/openapi.json (run `npm run openapi` after changing a route or a schema)", () => {
    const checkedIn = JSON.parse(
      readFileSync(new URL("../../../../docs/openapi.json", import.meta.url), "utf8"),
    );
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it("is OpenAPI 3.1 with one operationId per operation", () => {
    expect(document.openapi).toBe("3.1.0");
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item)
        .filter((value): value is Operation => typeof value === "object" && !Array.isArray(value))
        .map((operation) => operation.operationId)
        .filter(Boolean),
    );
    expect(ids.length).toBeGreaterThan(MANAGEMENT_ROUTES.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("describes bodies with the schemas the handlers validate with", () => {
    const tokens =
      document.paths[`${PREFIX}/ai-gateway/tokens`]?.post?.requestBody?.content["application/json"].schema;
    expect(tokens).toEqual(
      (({ $schema: _, ...rest }) => rest)(
        z.toJSONSchema(tokenCreateInputSchema, { io: "input" }) as Record<string, unknown>,
      ),
    );
    expect(document.components.schemas.GatewayUpdate).toEqual(
      (({ $schema: _, ...rest }) => rest)(
        z.toJSONSchema(gatewayUpdateInputSchema, { io: "input", unrepresentable: "any" }) as Record<
          string,
          unknown
        >,
      ),
    );
  });

  it("carries this gateway's extensions to Cloudflare's API", () => {
    const gateway = document.components.schemas.GatewayCreate?.properties ?? {};
    for (const field of [
      "spend_limits",
      "stream_idle_timeout_ms",
      "cors_allowed_origins",
      "retry_max_attempts",
    ]) {
      expect(gateway, field).toHaveProperty(field);
    }
    expect(JSON.stringify(document.components.schemas.RouteCreate)).toContain('"const":"budget"');
    expect(document.paths[`${PREFIX}/ai-gateway/tokens`]).toBeDefined();
    expect(document.paths[`${PREFIX}/ai-gateway/gateways/{gateway_id}/analytics`]).toBeDefined();
  });

  it("describes the unified API on both its surfaces", () => {
    for (const path of [
      "/v1/{account_id}/{gateway_id}/compat/chat/completions",
      "/v1/{account_id}/{gateway_id}/compat/responses",
      "/v1/{account_id}/{gateway_id}/compat/embeddings",
      "/client/v4/accounts/{account_id}/ai/v1/chat/completions",
      "/client/v4/accounts/{account_id}/ai/v1/messages",
    ]) {
      expect(document.paths[path]?.post?.requestBody, path).toBeDefined();
    }
    expect(document.components.schemas.ChatCompletionRequest?.properties).toHaveProperty("messages");
  });
});
