import { z } from "zod";
import { dlpSettingsSchema } from "./dlp-settings.ts";
import { guardrailsSchema } from "./guardrails.ts";

/**
 * Fields of Cloudflare's gateway object (reference 4.2) for features this gateway does not build. A
 * Terraform plan or a get-edit-put with Cloudflare's SDK sends them at their off values, so those are
 * accepted, stored as sent and returned on GET (as Cloudflare returns them): the next plan then sees no
 * difference. A value that would turn a feature on is refused with a message naming the field and the
 * feature, never silently dropped: a client that sets `dlp.enabled` must not believe its traffic is scanned.
 * A gateway that never named a field has none stored and returns none (the SDK marks them all optional).
 * (`subject` carries its verb: "Logpush export is", "Guardrails are".)
 */
const notBuilt = (subject: string, off: string) => `${subject} not built in this gateway: send ${off}`;

export const offFeatureFields = {
  logpush: z.literal(false, { error: notBuilt("Logpush export is", "false") }).optional(),
  /** Harmless on its own (it only encrypts Logpush exports, which stay off): kept as sent. */
  logpush_public_key: z.string().max(16_384).nullable().optional(),
  /** Built (docs/dlp.md): kept here because it is stored and round-tripped as these fields are. */
  dlp: dlpSettingsSchema.nullable().optional(),
  /** Built (docs/guardrails.md); kept here for the same keep-as-sent rule: null or absent means off. */
  guardrails: guardrailsSchema.nullable().optional(),
  stripe: z.null({ error: notBuilt("Stripe usage billing is", "null") }).optional(),
  store_id: z
    .null({ error: notBuilt("Secrets Store keys are", "null (store keys with provider_configs)") })
    .optional(),
  zdr: z.literal(false, { error: notBuilt("Zero Data Retention (Unified Billing) is", "false") }).optional(),
  /** This gateway never bills providers itself: every request brings or names its own key, as `true` asks. */
  byok_only: z.boolean().optional(),
  workers_ai_billing_mode: z
    .literal("postpaid", { error: notBuilt("Unified Billing is", '"postpaid"') })
    .optional(),
  log_classification: z.literal(false, { error: notBuilt("Log classification is", "false") }).optional(),
};

export const offFeaturesSchema = z.object(offFeatureFields);

export type OffFeatures = z.infer<typeof offFeaturesSchema>;

export const OFF_FEATURE_NAMES = Object.keys(offFeatureFields) as (keyof OffFeatures)[];
