import { z } from "zod";
import { customPatternProblem } from "../checks/dlp/detectors/custom.ts";

/**
 * Custom DLP profiles in the bodies of Cloudflare's DLP profiles API (the `cloudflare` SDK's
 * `zeroTrust.dlp.profiles.custom` types): entries are regular expressions (`pattern: {regex}`) or word
 * lists (`words`). A regex the linear-time guard refuses (custom.ts) is a 400 naming the entry.
 */
const entryName = z.string().trim().min(1).max(128);

const regexSchema = z
  .string()
  .max(1024)
  .superRefine((regex, context) => {
    const problem = customPatternProblem(regex);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

/** One object with either `pattern` or `words` (not a union: its errors would not say which field is wrong). */
export const dlpEntryInputSchema = z
  .strictObject({
    entry_id: z.string().max(128).optional(),
    name: entryName,
    enabled: z.boolean(),
    description: z.string().max(1024).nullable().optional(),
    pattern: z.strictObject({ regex: regexSchema }).optional(),
    words: z.array(z.string().trim().min(1).max(256)).min(1).max(1000).optional(),
  })
  .superRefine((entry, context) => {
    if ((entry.pattern === undefined) === (entry.words === undefined)) {
      context.addIssue({ code: "custom", message: `entry "${entry.name}": send either pattern or words` });
    }
  });

export const customDlpProfileInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  description: z.string().max(1024).nullable().optional(),
  entries: z.array(dlpEntryInputSchema).max(50).optional(),
});

/** Cloudflare's older body: several profiles at once; the answer is then a list. */
export const customDlpProfilesInputSchema = z.strictObject({
  profiles: z.array(customDlpProfileInputSchema).min(1).max(20),
});

export type DlpEntryInput = z.infer<typeof dlpEntryInputSchema>;
export type CustomDlpProfileInput = z.infer<typeof customDlpProfileInputSchema>;

/** Fields of Cloudflare's profiles this gateway has no use for: refused, so nothing is silently ignored. */
export const UNSUPPORTED_DLP_PROFILE_FIELDS: ReadonlyMap<string, string> = new Map(
  [
    "allowed_match_count",
    "ai_context_enabled",
    "confidence_threshold",
    "context_awareness",
    "data_classes",
    "data_tags",
    "ocr_enabled",
    "sensitivity_levels",
    "shared_entries",
  ].map((field) => [field, "is not supported by this gateway (docs/dlp.md)"]),
);
