import { z } from "zod";
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

const dlpAction = z.enum(["BLOCK", "FLAG"]);
const dlpProfiles = z.array(z.string().max(128)).max(100);

export const offFeatureFields = {
  logpush: z.literal(false, { error: notBuilt("Logpush export is", "false") }).optional(),
  /** Harmless on its own (it only encrypts Logpush exports, which stay off): kept as sent. */
  logpush_public_key: z.string().max(16_384).nullable().optional(),
  // Both of Cloudflare's shapes in one object (the legacy single policy's action and profiles, or the list of
  // policies), so that a refusal names `dlp.enabled` rather than "no shape matched".
  dlp: z
    .strictObject({
      enabled: z.literal(false, { error: notBuilt("DLP is", "enabled: false") }),
      action: dlpAction.optional(),
      profiles: dlpProfiles.optional(),
      policies: z
        .array(
          z.strictObject({
            id: z.string().max(128),
            action: dlpAction,
            check: z.array(z.enum(["REQUEST", "RESPONSE"])).max(2),
            enabled: z.boolean(),
            profiles: dlpProfiles,
          }),
        )
        .max(100)
        .optional(),
    })
    .nullable()
    .optional(),
  /** Built (docs/guardrails.md); kept here for the same keep-as-sent rule: null or absent means off. */
  guardrails: guardrailsSchema.nullable().optional(),
  otel: z
    .array(z.unknown())
    .max(0, { error: notBuilt("OpenTelemetry export is", "[] or null") })
    .nullable()
    .optional(),
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
