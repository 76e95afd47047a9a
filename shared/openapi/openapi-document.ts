import { z } from "zod";
import { accountPath, type ManagementRoute } from "../management/route-types.ts";
import { MANAGEMENT_ROUTES } from "../management/routes.ts";
import { workersAiInputSchema, workersAiRunRequestSchema } from "../providers/workers-ai/run-input.ts";
import { anthropicMessagesRequestSchema } from "../surfaces/anthropic-messages/request.ts";
import { responsesRequestSchema } from "../surfaces/responses/request.ts";
import { embeddingsRequestSchema } from "../translation/embeddings/request.ts";
import { chatRequestSchema } from "../translation/openai/chat-schema.ts";
import {
  MANAGEMENT_OPERATIONS,
  NAMED_MANAGEMENT_SCHEMAS,
  type OperationSpec,
} from "./management-operations.ts";
import { OPENAPI_PATH } from "./openapi-path.ts";

const ACCOUNT_PREFIX = "/client/v4/accounts/{account_id}";

type JsonObject = Record<string, unknown>;

/**
 * A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect). `io: "input"` describes what a client
 * sends (defaults make a field optional); checks JSON Schema cannot say (refinements, transforms) are
 * left to the server's 400, which names the field.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonObject;
  return rest;
}

/**
 * Schemas used more than once (or large) go into components.schemas under a name, once, and are referred to:
 * the gateway's fields, the route elements, the unified request bodies.
 */
class SchemaComponents {
  readonly schemas: Record<string, JsonObject> = {};
  private readonly names = new Map<z.ZodType, string>();

  constructor(named: ReadonlyArray<readonly [z.ZodType, string]>) {
    for (const [schema, name] of named) this.names.set(schema, name);
  }

  /** A reference to a named schema, or the schema inline. */
  use(schema: z.ZodType, io: "input" | "output" = "input"): JsonObject {
    const name = this.names.get(schema);
    if (!name) return jsonSchema(schema, io);
    this.schemas[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  }
}

/** Cloudflare's envelope around a result (reference 4.1), as every management route answers. */
function envelopeSchema(result: JsonObject, list: boolean): JsonObject {
  return {
    type: "object",
    required: ["success", "errors", "messages", "result"],
    properties: {
      success: { type: "boolean" },
      errors: { type: "array", items: { $ref: "#/components/schemas/ApiMessage" } },
      messages: { type: "array", items: { $ref: "#/components/schemas/ApiMessage" } },
      result: list ? { type: "array", items: result } : result,
      ...(list ? { result_info: { $ref: "#/components/schemas/ResultInfo" } } : {}),
    },
  };
}

/** A query schema's fields as OpenAPI parameters. */
function queryParameters(schema: z.ZodType): JsonObject[] {
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: required.has(name),
    schema: property,
  }));
}

function pathParameters(path: string): JsonObject[] {
  return [...path.matchAll(/\{([a-z_]+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

const ERROR_RESPONSES = {
  "400": { $ref: "#/components/responses/Error" },
  "401": { $ref: "#/components/responses/Error" },
  "403": { $ref: "#/components/responses/Error" },
  "404": { $ref: "#/components/responses/Error" },
};

function managementOperation(
  components: SchemaComponents,
  method: string,
  route: ManagementRoute,
  spec: OperationSpec,
): JsonObject {
  const path = route.path;
  const fullPath = `${ACCOUNT_PREFIX}${accountPath(route)}`;
  return {
    operationId: operationId(method, path),
    summary: spec.summary,
    tags: [spec.tag],
    security: [{ apiToken: [] }],
    parameters: [...pathParameters(fullPath), ...(spec.query ? queryParameters(spec.query) : [])],
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: components.use(spec.body) } },
          },
        }
      : {}),
    responses: {
      "200": {
        description: "Cloudflare's envelope, with the result",
        content: {
          "application/json": {
            schema: envelopeSchema(
              spec.result ? components.use(spec.result, "output") : { type: "object" },
              spec.list ?? false,
            ),
          },
        },
      },
      ...ERROR_RESPONSES,
    },
  };
}

/** `GET /gateways/{gateway_id}/logs` -> `getGatewaysLogs`: stable, readable names for generated clients. */
function operationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((part) => part && !part.startsWith("{"))
    .flatMap((part) => part.split(/[-_]/));
  const tail = path.endsWith("}") ? "ById" : "";
  return method.toLowerCase() + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join("") + tail;
}

/** The unified API (docs/unified-api.md): one request schema per operation, whatever the provider. */
const UNIFIED_OPERATIONS = [
  { operation: "chat/completions", summary: "Chat Completions, any provider", body: chatRequestSchema },
  { operation: "responses", summary: "Responses, any provider", body: responsesRequestSchema },
  { operation: "embeddings", summary: "Embeddings, any provider", body: embeddingsRequestSchema },
] as const;

const NAMED_UNIFIED_SCHEMAS = [
  [chatRequestSchema, "ChatCompletionRequest"],
  [responsesRequestSchema, "ResponsesRequest"],
  [embeddingsRequestSchema, "EmbeddingsRequest"],
  [anthropicMessagesRequestSchema, "AnthropicMessagesRequest"],
  [workersAiInputSchema, "WorkersAiInput"],
  [workersAiRunRequestSchema, "WorkersAiRunRequest"],
] as const;

const PROXY_HEADERS: JsonObject[] = [
  ["cf-aig-authorization", "`Bearer <token>` with the run scope, when the gateway has authentication on"],
  ["cf-aig-cache-ttl", "Cache this response for this many seconds"],
  ["cf-aig-skip-cache", "`true`: neither read nor write the cache"],
  ["cf-aig-metadata", "A JSON object of up to 5 entries, kept with the log"],
  ["cf-aig-collect-log", "`false`: keep no log of this request"],
  ["cf-aig-max-attempts", "Attempts in all (1-5), retrying failed provider calls"],
  ["cf-aig-request-timeout", "Milliseconds to wait for the provider's first byte"],
  ["cf-aig-byok-alias", "Which stored provider key to use (default: `default`)"],
].map(([name, description]) => ({
  name,
  in: "header",
  required: false,
  description,
  schema: { type: "string" },
}));

function unifiedOperation(
  components: SchemaComponents,
  summary: string,
  body: z.ZodType,
  extraHeaders: JsonObject[] = [],
  answer = "The caller's format (OpenAI's, or Anthropic's on /messages); a stream of server-sent events when `stream` is true",
): JsonObject {
  return {
    summary,
    tags: ["Unified API"],
    parameters: [...PROXY_HEADERS, ...extraHeaders],
    requestBody: { required: true, content: { "application/json": { schema: components.use(body) } } },
    responses: {
      "200": {
        description: answer,
        headers: {
          "cf-aig-log-id": { description: "The log's id", schema: { type: "string" } },
          "cf-aig-cache-status": {
            description: "HIT or MISS when the gateway caches",
            schema: { type: "string" },
          },
        },
        content: {
          "application/json": { schema: { type: "object" } },
          "text/event-stream": { schema: { type: "string" } },
        },
      },
      default: { description: "An error in the caller's format (docs/errors.md)" },
    },
  };
}

function unifiedPaths(components: SchemaComponents): Record<string, JsonObject> {
  const paths: Record<string, JsonObject> = {};
  const gatewayHeader = {
    name: "cf-aig-gateway-id",
    in: "header",
    required: false,
    description: "The gateway (default: `default`)",
    schema: { type: "string" },
  };
  for (const { operation, summary, body } of UNIFIED_OPERATIONS) {
    const id = operation.replace("/", "_");
    paths[`/v1/{account_id}/{gateway_id}/compat/${operation}`] = {
      parameters: pathParameters("/{account_id}/{gateway_id}"),
      post: { ...unifiedOperation(components, summary, body), operationId: `compat_${id}` },
    };
    paths[`/client/v4/accounts/{account_id}/ai/v1/${operation}`] = {
      parameters: pathParameters("/{account_id}"),
      post: {
        ...unifiedOperation(components, `${summary} (REST)`, body, [gatewayHeader]),
        operationId: `rest_${id}`,
      },
    };
  }
  const workersAiAnswer =
    "Workers AI's envelope `{result: {response, tool_calls?, usage}, success, errors, messages}`; its server-sent events when `stream` is true (docs/platform-models.md)";
  paths["/client/v4/accounts/{account_id}/ai/run"] = {
    parameters: pathParameters("/{account_id}"),
    post: {
      ...unifiedOperation(
        components,
        "Workers AI's /ai/run, the model in the body (REST)",
        workersAiRunRequestSchema,
        [gatewayHeader],
        workersAiAnswer,
      ),
      operationId: "rest_run",
    },
  };
  paths["/client/v4/accounts/{account_id}/ai/run/{model}"] = {
    parameters: pathParameters("/{account_id}/{model}"),
    post: {
      ...unifiedOperation(
        components,
        "Workers AI's /ai/run/{model}, model @cf/{vendor}/{model} with its slashes (REST)",
        workersAiInputSchema,
        [gatewayHeader],
        workersAiAnswer,
      ),
      operationId: "rest_run_model",
    },
  };
  paths["/v1/{account_id}/{gateway_id}/workers-ai/{model}"] = {
    parameters: pathParameters("/{account_id}/{gateway_id}/{model}"),
    post: {
      ...unifiedOperation(
        components,
        "Workers AI's provider path, model @cf/{vendor}/{model} with its slashes",
        workersAiInputSchema,
        [],
        workersAiAnswer,
      ),
      operationId: "workers_ai_run",
    },
  };
  const modelList = (operationId: string, extraHeaders: JsonObject[]) => ({
    summary: "The models to name: the platform catalogue, then the priced models as {provider}/{model}",
    tags: ["Unified API"],
    operationId,
    parameters: extraHeaders,
    responses: {
      "200": {
        description:
          'OpenAI\'s list `{object: "list", data: [{id, object: "model", created, owned_by, provider, key_required, key_stored}]}`',
        content: { "application/json": { schema: { type: "object" } } },
      },
      default: { description: "An error in OpenAI's shape (docs/errors.md)" },
    },
  });
  paths["/client/v4/accounts/{account_id}/ai/v1/models"] = {
    parameters: pathParameters("/{account_id}"),
    get: modelList("rest_models", [gatewayHeader]),
  };
  paths["/v1/{account_id}/{gateway_id}/compat/models"] = {
    parameters: pathParameters("/{account_id}/{gateway_id}"),
    get: modelList("compat_models", []),
  };
  paths["/client/v4/accounts/{account_id}/ai/v1/messages"] = {
    parameters: pathParameters("/{account_id}"),
    post: {
      ...unifiedOperation(
        components,
        "Anthropic Messages, any provider (REST)",
        anthropicMessagesRequestSchema,
        [gatewayHeader],
      ),
      operationId: "rest_messages",
    },
  };
  return paths;
}

/**
 * The OpenAPI 3.1 document of the management API and the unified API, generated from the zod schemas the
 * handlers validate with. docs/openapi.json is this, written by `npm run openapi`; a test fails when the
 * two differ, and when a management route has no operation here.
 */
export function buildOpenApiDocument(): JsonObject {
  const components = new SchemaComponents([...NAMED_MANAGEMENT_SCHEMAS, ...NAMED_UNIFIED_SCHEMAS]);
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of MANAGEMENT_ROUTES) {
    const key = `${route.method} ${route.path}`;
    const spec = MANAGEMENT_OPERATIONS[key];
    if (!spec)
      throw new Error(`No OpenAPI operation for the management route ${key} (management-operations.ts)`);
    const path = `${ACCOUNT_PREFIX}${accountPath(route)}`;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = managementOperation(components, route.method, route, spec);
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      tags: ["Documentation"],
      security: [],
      responses: {
        "200": {
          description: "OpenAPI 3.1",
          content: { "application/json": { schema: { type: "object" } } },
        },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Gateway for AWS",
      version: "0.1.0",
      description:
        "Cloudflare AI Gateway's management API (under /client/v4/accounts/{account_id}/ai-gateway) and unified API, " +
        "with this gateway's extensions: API tokens, spend limits, stream_idle_timeout_ms, cors_allowed_origins, " +
        "retries, the budget node of dynamic routes, analytics. The provider-native surface " +
        "(/v1/{account_id}/{gateway_id}/{provider}/...) passes each provider's own API through and is not described here.",
    },
    servers: [
      { url: "http://127.0.0.1:8787", description: "npm start" },
      {
        url: "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}",
        description: "A deployment (the stack's BaseUrl output)",
        variables: {
          api_id: { default: "api-id" },
          region: { default: "us-east-1" },
          stage: { default: "prod" },
        },
      },
    ],
    tags: [
      ...new Set(Object.values(MANAGEMENT_OPERATIONS).map((spec) => spec.tag)),
      "Unified API",
      "Documentation",
    ].map((name) => ({ name })),
    paths: { ...paths, ...unifiedPaths(components) },
    components: {
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "The admin token (AIG_API_TOKEN) or an API token with the read (GET) or edit scope",
        },
      },
      schemas: {
        ...components.schemas,
        ApiMessage: {
          type: "object",
          required: ["code", "message"],
          properties: { code: { type: "integer" }, message: { type: "string" } },
        },
        ResultInfo: {
          type: "object",
          properties: Object.fromEntries(
            ["page", "per_page", "count", "total_count", "total_pages"].map((name) => [
              name,
              { type: "integer" },
            ]),
          ),
        },
      },
      responses: {
        Error: {
          description: "Cloudflare's envelope with success false and the errors (docs/errors.md)",
          content: { "application/json": { schema: envelopeSchema({ type: "null" }, false) } },
        },
      },
    },
  };
}

/** The document as docs/openapi.json holds it. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
