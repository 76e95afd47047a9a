import { z } from "zod";

/**
 * The elements of a dynamic route (reference 5.3, docs/dynamic-routes.md). Each element is
 * `{id, type, properties?, outputs: {<name>: {elementId}}}`. The schema checks each element on its own;
 * the graph rules (one start, no dangling outputs, no cycles, output names per type, percentage shares)
 * live in route-graph.ts, which names the offending element.
 *
 * Cloudflare's docs and its SDK spell some things differently; both spellings are accepted and the
 * stored form is the doc one: `conditions` -> `condition`, type `rate` -> `rate_limit`,
 * `window` -> `interval`. `budget` is ours: a spend limit inside a route.
 */
export const ROUTE_ELEMENT_TYPES = [
  "start",
  "conditional",
  "percentage",
  "rate_limit",
  "budget",
  "model",
  "end",
] as const;
export type RouteElementType = (typeof ROUTE_ELEMENT_TYPES)[number];

/** The most elements one route may hold: enough for any hand-drawn graph, small enough to check eagerly. */
export const MAX_ROUTE_ELEMENTS = 100;
/** Reference 5.3: a percentage node has at most 5 named outputs plus `else`. */
export const MAX_PERCENTAGE_BRANCHES = 5;
/** Reference 9: retries are capped at 5 attempts; a model node's `retries` counts the extra ones. */
export const MAX_MODEL_RETRIES = 4;
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
/** The longest first-byte timeout a model node may ask for: a Lambda lives 15 minutes at most. */
const MAX_TIMEOUT_MS = 15 * 60 * 1000;

export const ELEMENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const elementId = z.string().regex(ELEMENT_ID_PATTERN, "must be 1-64 characters from A-Z a-z 0-9 _ . : -");

const outputSchema = z.strictObject({ elementId });
const outputsSchema = z.record(z.string().min(1).max(64), outputSchema);

/** A request value path: `body.<field>`, `headers.<name>` or `metadata.<key>` (dots go deeper in body). */
export const VALUE_PATH_PATTERN = /^(body|headers|metadata)\.[^.\s][^\s]*$/;
const valuePath = z
  .string()
  .max(256)
  .regex(VALUE_PATH_PATTERN, "must start with body., headers. or metadata. followed by a name");

const startSchema = z.strictObject({
  id: elementId,
  type: z.literal("start"),
  properties: z.strictObject({}).optional(),
  outputs: outputsSchema,
});

const conditionalSchema = z.strictObject({
  id: elementId,
  type: z.literal("conditional"),
  properties: z.strictObject({
    /** MongoDB-like expression; its operators are checked by route-graph.ts (condition.ts). */
    condition: z.record(z.string(), z.unknown()),
  }),
  outputs: outputsSchema,
});

const percentageSchema = z.strictObject({
  id: elementId,
  type: z.literal("percentage"),
  properties: z.strictObject({}).optional(),
  outputs: outputsSchema,
});

const rateLimitSchema = z.strictObject({
  id: elementId,
  type: z.literal("rate_limit"),
  properties: z.strictObject({
    /** count: requests per interval; cost: US dollars of completed requests per interval. */
    limitType: z.enum(["count", "cost"]).default("count"),
    /** Which request value keys the counter (one counter per value); absent: one counter for the node. */
    key: valuePath.optional(),
    limit: z.number().positive().max(1_000_000_000),
    /** Seconds. */
    interval: z.number().int().min(1).max(ONE_YEAR_SECONDS),
    technique: z.enum(["sliding", "fixed"]).default("sliding"),
  }),
  outputs: outputsSchema,
});

const budgetSchema = z.strictObject({
  id: elementId,
  type: z.literal("budget"),
  properties: z.strictObject({
    /** US dollars the route may spend per interval. */
    limit: z.number().min(0).max(1_000_000_000),
    /** Seconds; a rolling window (like spend limits, reference 5.5). */
    interval: z.number().int().min(1).max(ONE_YEAR_SECONDS),
  }),
  outputs: outputsSchema,
});

const modelSchema = z.strictObject({
  id: elementId,
  type: z.literal("model"),
  properties: z.strictObject({
    provider: z.string().min(1).max(64),
    model: z.string().min(1).max(256),
    /** Milliseconds to the first byte of the answer; absent: the gateway's upstream timeout. */
    timeout: z.number().int().min(1).max(MAX_TIMEOUT_MS).optional(),
    /** Extra attempts after the first (0-4, so at most 5 attempts in all). */
    retries: z.number().int().min(0).max(MAX_MODEL_RETRIES).default(0),
  }),
  outputs: outputsSchema,
});

const endSchema = z.strictObject({
  id: elementId,
  type: z.literal("end"),
  properties: z.strictObject({}).optional(),
  outputs: outputsSchema.default({}),
});

const SCHEMAS = {
  start: startSchema,
  conditional: conditionalSchema,
  percentage: percentageSchema,
  rate_limit: rateLimitSchema,
  budget: budgetSchema,
  model: modelSchema,
  end: endSchema,
} as const;

export type StartElement = z.infer<typeof startSchema>;
export type ConditionalElement = z.infer<typeof conditionalSchema>;
export type PercentageElement = z.infer<typeof percentageSchema>;
export type RateLimitElement = z.infer<typeof rateLimitSchema>;
export type BudgetElement = z.infer<typeof budgetSchema>;
export type ModelElement = z.infer<typeof modelSchema>;
export type EndElement = z.infer<typeof endSchema>;
export type RouteElement =
  | StartElement
  | ConditionalElement
  | PercentageElement
  | RateLimitElement
  | BudgetElement
  | ModelElement
  | EndElement;

/** The output names each type may have; `required` ones must be present. */
export const OUTPUT_NAMES: Record<RouteElementType, { required: string[]; optional: string[] }> = {
  start: { required: ["next"], optional: [] },
  conditional: { required: ["true", "false"], optional: [] },
  percentage: { required: [], optional: ["else"] }, // plus "<share>%" keys, see route-graph.ts
  rate_limit: { required: ["success"], optional: ["fallback"] },
  budget: { required: ["success"], optional: ["fallback"] },
  model: { required: ["success"], optional: ["fallback"] },
  end: { required: [], optional: [] },
};

export function isRouteElementType(type: unknown): type is RouteElementType {
  return typeof type === "string" && (ROUTE_ELEMENT_TYPES as readonly string[]).includes(type);
}

const TYPE_ALIASES: Record<string, RouteElementType> = { rate: "rate_limit" };
const PROPERTY_ALIASES: Record<string, string> = { conditions: "condition", window: "interval" };

/**
 * Renames the SDK spellings to the doc ones (unless both are given: then strictness refuses the extra
 * one, so an ambiguous element is never silently read one way).
 */
export function normalizeElementSpelling(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const element: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (typeof element.type === "string" && element.type in TYPE_ALIASES) {
    element.type = TYPE_ALIASES[element.type];
  }
  const properties = element.properties;
  if (typeof properties === "object" && properties !== null && !Array.isArray(properties)) {
    const renamed: Record<string, unknown> = { ...(properties as Record<string, unknown>) };
    for (const [alias, name] of Object.entries(PROPERTY_ALIASES)) {
      if (alias in renamed && !(name in renamed)) {
        renamed[name] = renamed[alias];
        delete renamed[alias];
      }
    }
    element.properties = renamed;
  }
  return element;
}

/** The zod schema of one element of a known type (after normalizeElementSpelling). */
export function elementSchemaFor(type: RouteElementType): z.ZodType<RouteElement> {
  return SCHEMAS[type] as z.ZodType<RouteElement>;
}

/** One element, any type: for callers that want a plain zod schema (the graph rules are not in it). */
export const routeElementSchema: z.ZodType<RouteElement> = z.preprocess(
  normalizeElementSpelling,
  z.discriminatedUnion("type", [
    startSchema,
    conditionalSchema,
    percentageSchema,
    rateLimitSchema,
    budgetSchema,
    modelSchema,
    endSchema,
  ]),
) as unknown as z.ZodType<RouteElement>;

/** The elements array, schema only. Use validateRouteElements (route-graph.ts) to check the graph too. */
export const routeElementsSchema = z.array(routeElementSchema).min(1).max(MAX_ROUTE_ELEMENTS);
