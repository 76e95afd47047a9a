import { z } from "zod";
import { PREDEFINED_PROFILES } from "../checks/dlp/predefined-profiles.ts";

/** FLAG and BLOCK are Cloudflare's; REDACT is this gateway's extension (docs/dlp.md). */
export const DLP_ACTIONS = ["BLOCK", "FLAG", "REDACT"] as const;
export const DLP_CHECKS = ["REQUEST", "RESPONSE"] as const;

export type DlpAction = (typeof DLP_ACTIONS)[number];
export type DlpCheck = (typeof DLP_CHECKS)[number];

const PREDEFINED_IDS: ReadonlySet<string> = new Set(PREDEFINED_PROFILES.map((profile) => profile.id));

/** Custom profiles' ids (UUIDs): the schema accepts their form, the gateway routes check they exist. */
export const CUSTOM_PROFILE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const profileIds = z.array(z.string().max(128)).max(100);

const dlpPolicySchema = z.strictObject({
  id: z.string().max(128),
  action: z.enum(DLP_ACTIONS),
  check: z.array(z.enum(DLP_CHECKS)).max(2),
  enabled: z.boolean(),
  profiles: profileIds,
});

/**
 * The gateway's `dlp` field in both of Cloudflare's shapes (reference 8.4; the `cloudflare` SDK's
 * AIGateway types): a single policy `{enabled, action, profiles}` or a list `{enabled, policies}`. While
 * DLP is off the field is kept as sent (a Terraform round trip carries Cloudflare's profile ids); once on,
 * it must be one shape, and every profile it names must be one this gateway has, so a policy never
 * silently scans for nothing (custom profiles, by UUID, are looked up by the gateway routes:
 * dlp-profile-check.ts).
 */
export const dlpSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    action: z.enum(DLP_ACTIONS).optional(),
    profiles: profileIds.optional(),
    policies: z.array(dlpPolicySchema).max(100).optional(),
  })
  .superRefine((settings, context) => {
    if (!settings.enabled) return;
    if (settings.policies && (settings.action !== undefined || settings.profiles !== undefined)) {
      context.addIssue({ code: "custom", message: "send either action and profiles, or policies, not both" });
      return;
    }
    if (!settings.policies && settings.action === undefined) {
      context.addIssue({
        code: "custom",
        path: ["action"],
        message: "required when DLP is enabled without policies",
      });
    }
    for (const { id, path } of namedDlpProfiles(settings)) {
      if (!PREDEFINED_IDS.has(id) && !CUSTOM_PROFILE_ID_PATTERN.test(id)) {
        context.addIssue({
          code: "custom",
          path,
          message: `unknown DLP profile "${id}" (GET .../dlp/profiles lists them)`,
        });
      }
    }
  });

export type DlpSettings = z.infer<typeof dlpSettingsSchema>;

/** The profiles a `dlp` setting names, with where: `policies.0.profiles.1` or `profiles.0`. */
export function namedDlpProfiles(settings: {
  policies?: readonly { profiles: readonly string[] }[] | undefined;
  profiles?: readonly string[] | undefined;
}): { id: string; path: (string | number)[] }[] {
  return settings.policies
    ? settings.policies.flatMap((policy, index) =>
        policy.profiles.map((id, at) => ({ id, path: ["policies", index, "profiles", at] })),
      )
    : (settings.profiles ?? []).map((id, at) => ({ id, path: ["profiles", at] }));
}
