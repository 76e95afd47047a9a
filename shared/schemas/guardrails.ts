import { z } from "zod";

/**
 * Cloudflare's guardrail categories (reference 8.3): S1-S13 are Llama Guard 3's hazard categories, P1 is
 * Prompt Guard's prompt injection. The field names are the `cloudflare` SDK's (`Guardrails.Prompt`).
 */
export const GUARDRAIL_CATEGORIES = [
  "S1",
  "S2",
  "S3",
  "S4",
  "S5",
  "S6",
  "S7",
  "S8",
  "S9",
  "S10",
  "S11",
  "S12",
  "S13",
  "P1",
] as const;

export type GuardrailCategory = (typeof GUARDRAIL_CATEGORIES)[number];

/** What a detected category does: FLAG logs it, BLOCK refuses; a category left out is ignored. */
export const guardrailActionSchema = z.enum(["FLAG", "BLOCK"]);

export type GuardrailAction = z.infer<typeof guardrailActionSchema>;

/** One phase's rules: each category FLAG, BLOCK, or absent (ignored). Unknown keys are refused. */
export const guardrailPhaseSchema = z.strictObject(
  Object.fromEntries(
    GUARDRAIL_CATEGORIES.map((category) => [category, guardrailActionSchema.optional()]),
  ) as {
    [C in GuardrailCategory]: z.ZodOptional<typeof guardrailActionSchema>;
  },
);

export type GuardrailPhaseRules = z.infer<typeof guardrailPhaseSchema>;

/** The gateway's `guardrails` field: the prompt's rules and the response's (both required, as the SDK types them). */
export const guardrailsSchema = z.strictObject({
  prompt: guardrailPhaseSchema,
  response: guardrailPhaseSchema,
});

export type GuardrailsSettings = z.infer<typeof guardrailsSchema>;

export type GuardrailPhase = keyof GuardrailsSettings;

/** True when some category of the phase is set: the phase needs a scan. */
export function phaseHasRules(rules: GuardrailPhaseRules): boolean {
  return Object.values(rules).some((action) => action !== undefined);
}

/** True when some category of the phase blocks: a scanner failure must then refuse (503/7013). */
export function phaseBlocks(rules: GuardrailPhaseRules): boolean {
  return Object.values(rules).some((action) => action === "BLOCK");
}

/**
 * What a request's log row says of one phase's scan (docs/logging.md): the strongest action taken, the
 * categories detected that have a rule, the scanner, whether it failed to answer, and how many calls it took.
 */
export const guardrailPhaseLogSchema = z.object({
  action: z.enum(["NONE", "FLAG", "BLOCK"]),
  categories: z.array(z.string()),
  scanner: z.string(),
  scanner_unavailable: z.boolean(),
  evaluations: z.number().int().min(0),
});

export type GuardrailPhaseLog = z.infer<typeof guardrailPhaseLogSchema>;

export const guardrailsLogSchema = z.object({
  prompt: guardrailPhaseLogSchema.optional(),
  response: guardrailPhaseLogSchema.optional(),
});

export type GuardrailsLog = z.infer<typeof guardrailsLogSchema>;
