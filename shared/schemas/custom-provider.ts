import { z } from "zod";

/**
 * Custom providers (reference section 2): any HTTPS API reached as `/v1/{account}/{gateway}/custom-{slug}/...`.
 * Slugs are lower-case letters, digits and hyphens: the reference allows "alphanumeric and hyphens"; upper
 * case is refused so that the case of a URL can never pick a different provider.
 */
export const CUSTOM_PROVIDER_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const MAX_URL_LENGTH = 2048;

/**
 * Why a base URL is refused, or null when it is fine. The reference allows `https://` with a root
 * domain or a fixed path prefix; query strings, fragments and credentials would be mixed into every
 * request, so they are refused. Addresses (private, loopback, metadata) are checked by the proxy when it
 * resolves the host, since a name can point anywhere later.
 */
export function baseUrlProblem(value: string): string | null {
  if (value.trim() !== value) return "must not start or end with spaces";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:") return "must start with https://";
  if (url.username || url.password) return "must not contain credentials";
  if (value.includes("?")) return "must not contain a query string";
  if (value.includes("#")) return "must not contain a fragment";
  if (!url.hostname) return "must name a host";
  if (/[{}*]|%7B|%7D/i.test(url.pathname)) return "must be a fixed prefix, without templates or wildcards";
  return null;
}

/** The stored form of a base URL: origin and path prefix, without a trailing slash. */
export function normalizeBaseUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

const baseUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .superRefine((value, context) => {
    const problem = baseUrlProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .transform(normalizeBaseUrl);

const linkSchema = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), "must be an http(s) URL");

const nameSchema = z
  .string()
  .max(256)
  .refine((value) => value.trim().length > 0, "must not be empty");

const fields = {
  name: nameSchema,
  slug: z
    .string()
    .regex(
      CUSTOM_PROVIDER_SLUG_PATTERN,
      "must be 1-64 lower-case letters, digits and hyphens, not starting or ending with a hyphen",
    ),
  base_url: baseUrlSchema,
  description: z.string().max(1024).nullable(),
  link: linkSchema.nullable(),
  enable: z.boolean(),
  beta: z.boolean(),
  curl_example: z.string().max(10_000).nullable(),
  js_example: z.string().max(10_000).nullable(),
};

/** Fields Cloudflare's SDK can send that this gateway does not implement: refused, not dropped. */
export const UNSUPPORTED_CUSTOM_PROVIDER_FIELDS: ReadonlyMap<string, string> = new Map([
  ["headers", "is not supported by this gateway: clients send their own provider headers"],
  ["position", "is not supported by this gateway"],
]);

export const customProviderCreateInputSchema = z.strictObject({
  name: fields.name,
  slug: fields.slug,
  base_url: fields.base_url,
  description: fields.description.default(null),
  link: fields.link.default(null),
  enable: fields.enable.default(false),
  beta: fields.beta.default(false),
  curl_example: fields.curl_example.default(null),
  js_example: fields.js_example.default(null),
});

export const customProviderPatchInputSchema = z.strictObject({
  name: fields.name.optional(),
  slug: fields.slug.optional(),
  base_url: fields.base_url.optional(),
  description: fields.description.optional(),
  link: fields.link.optional(),
  enable: fields.enable.optional(),
  beta: fields.beta.optional(),
  curl_example: fields.curl_example.optional(),
  js_example: fields.js_example.optional(),
});

export type CustomProviderCreateInput = z.infer<typeof customProviderCreateInputSchema>;
export type CustomProviderPatch = z.infer<typeof customProviderPatchInputSchema>;

export const CUSTOM_PROVIDER_ORDER_FIELDS = ["name", "slug", "created_at", "modified_at"] as const;

/** GET /custom-providers (reference 2: per_page at most 100, default order "name ASC"). */
export const customProviderListQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  search: z.string().max(256).optional(),
  enable: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  beta: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  order_by: z
    .string()
    .regex(
      /^(name|slug|created_at|modified_at)( (ASC|DESC))?$/i,
      'must be a field (name, slug, created_at, modified_at) and an optional direction, e.g. "name ASC"',
    )
    .default("name ASC"),
});
