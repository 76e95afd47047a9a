import { z } from "zod";
import { serviceAccountProblems } from "../providers/google-service-account.ts";
import { findProvider, providerSlugs } from "../providers/registry.ts";
import { CUSTOM_PROVIDER_SLUG_PATTERN } from "./custom-provider.ts";

/**
 * Aliases name one of several keys for a provider (reference 8.2; `cf-aig-byok-alias` selects one). They
 * travel in a header, so they are kept to a header-safe set.
 */
export const PROVIDER_KEY_ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const DEFAULT_PROVIDER_KEY_ALIAS = "default";
/** Large enough for a Vertex AI service-account JSON (about 2.5 KB), small enough to keep items small. */
export const MAX_SECRET_LENGTH = 16_384;

/** A known provider of the registry, or a custom provider as `custom-{slug}`. */
export function isProviderSlug(slug: string): boolean {
  if (providerSlugs().includes(slug)) return true;
  return slug.startsWith("custom-") && CUSTOM_PROVIDER_SLUG_PATTERN.test(slug.slice("custom-".length));
}

/** Bedrock keys are an access key pair and a region (reference 8.2): the gateway signs with SigV4. */
/** Only the shape is checked: AWS itself is the judge of whether a key pair is real. */
export const bedrockSecretSchema = z.strictObject({
  accessKeyId: z.string().regex(/^[A-Z0-9]{1,128}$/, "must be an AWS access key id (A-Z 0-9)"),
  secretAccessKey: z.string().min(1).max(256),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as "us-east-1"'),
  sessionToken: z.string().min(1).max(4096).optional(),
});

/**
 * Cloudflare's fields that do not apply here. `default_config` is accepted and ignored: a key whose
 * alias is "default" is the one used when a request names no alias, so the flag adds nothing.
 */
export const UNSUPPORTED_PROVIDER_KEY_FIELDS: ReadonlyMap<string, string> = new Map([
  ["secret_id", "is not supported: this gateway has no Secrets Store; send the key itself in `secret`"],
  ["rate_limit", "is not supported by this gateway: use the gateway's rate limit"],
  ["rate_limit_period", "is not supported by this gateway: use the gateway's rate limit"],
]);

export const providerKeyCreateInputSchema = z
  .strictObject({
    provider_slug: z
      .string()
      .max(80)
      .refine(isProviderSlug, "must be a provider of the registry or custom-{slug}"),
    alias: z
      .string()
      .regex(PROVIDER_KEY_ALIAS_PATTERN, "must be 1-64 characters from A-Z a-z 0-9 _ . -")
      .default(DEFAULT_PROVIDER_KEY_ALIAS),
    secret: z
      .string()
      .min(1)
      .max(MAX_SECRET_LENGTH)
      .refine((value) => value.trim() === value, "must not start or end with spaces or line breaks"),
    default_config: z.boolean().optional(),
  })
  .superRefine((input, context) => {
    const credentialStyle = findProvider(input.provider_slug)?.credentialStyle;
    if (credentialStyle === "google-service-account") {
      // Vertex keys are a service account JSON key file (+ our optional "region"); the gateway mints tokens.
      for (const problem of serviceAccountProblems(input.secret)) {
        context.addIssue({
          code: "custom",
          path: ["secret"],
          message: `for ${input.provider_slug} ${problem}`,
        });
      }
      return;
    }
    if (credentialStyle !== "sigv4") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.secret);
    } catch {
      context.addIssue({
        code: "custom",
        path: ["secret"],
        message: `for ${input.provider_slug} must be a JSON string {"accessKeyId","secretAccessKey","region","sessionToken"?}`,
      });
      return;
    }
    const result = bedrockSecretSchema.safeParse(parsed);
    for (const issue of result.error?.issues ?? []) {
      const field = [...issue.path, ...(issue.code === "unrecognized_keys" ? issue.keys : [])].join(".");
      context.addIssue({
        code: "custom",
        path: ["secret"],
        message: `${field || "value"}: ${issue.message}`,
      });
    }
  });

export type ProviderKeyCreateInput = z.infer<typeof providerKeyCreateInputSchema>;
