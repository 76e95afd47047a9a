import { z } from "zod";

/**
 * Spend limits (reference 4.2 and 5.5): dollar budgets per window, up to 20 rules per gateway. Field
 * names follow the wire format of Cloudflare's own SDK (`limitType`, `provider`); the reference's
 * `limit_type` and `ai_gateway_provider` are the Terraform attribute names of the same fields and are
 * accepted on input as aliases.
 */
export const MAX_SPEND_LIMIT_RULES = 20;
/** The most metadata keys a rule can split or filter by: a request carries at most 5 metadata entries. */
export const MAX_METADATA_DIMENSIONS = 5;
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

const filterSchema = z.strictObject({
  mode: z.literal("filter"),
  values: z.array(z.string().min(1).max(256)).min(1).max(100),
});

const metadataDimensionSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("partition") }),
  filterSchema,
]);

const ruleShape = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters from A-Z a-z 0-9 - _")
    .optional(),
  enabled: z.boolean().default(true),
  /** US dollars per window. */
  limit: z.number().min(0).max(1_000_000_000),
  limitType: z.literal("cost"),
  /** Seconds; a rolling window, not a calendar period. A zero-length window could never be checked. */
  window: z.number().int().min(1).max(ONE_YEAR_SECONDS),
  technique: z.enum(["fixed", "sliding"]).default("sliding"),
  model: filterSchema.optional(),
  provider: filterSchema.optional(),
  metadata: z
    .record(z.string().min(1).max(64), metadataDimensionSchema)
    .refine((metadata) => Object.keys(metadata).length <= MAX_METADATA_DIMENSIONS, {
      message: `at most ${MAX_METADATA_DIMENSIONS} metadata keys`,
    })
    .optional(),
});

const ALIASES: Record<string, string> = { limit_type: "limitType", ai_gateway_provider: "provider" };

/** Renames the Terraform spellings to the wire ones, unless both are given (then strictness refuses). */
function renameAliases(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const renamed: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [alias, name] of Object.entries(ALIASES)) {
    if (alias in renamed && !(name in renamed)) {
      renamed[name] = renamed[alias];
      delete renamed[alias];
    }
  }
  return renamed;
}

const ruleInputSchema = z.preprocess(renameAliases, ruleShape);

export const spendLimitsInputSchema = z.strictObject({
  enabled: z.boolean().default(false),
  rules: z
    .array(ruleInputSchema)
    .max(MAX_SPEND_LIMIT_RULES)
    .default([])
    .refine(
      (rules) => {
        const ids = rules.flatMap((rule) => (rule.id ? [rule.id] : []));
        return new Set(ids).size === ids.length;
      },
      { message: "rule ids must be unique" },
    ),
});

/** As stored: every rule has an id (one is generated when the client sends none). */
export const spendLimitsSchema = z.object({
  enabled: z.boolean(),
  rules: z.array(ruleShape.extend({ id: z.string().min(1) })),
});

export type SpendLimits = z.infer<typeof spendLimitsSchema>;
export type SpendLimitsInput = z.infer<typeof spendLimitsInputSchema>;
