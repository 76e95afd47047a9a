import { z } from "zod";

/**
 * Scopes of an API token, after Cloudflare's AI Gateway permissions: `read` reads the management API,
 * `edit` also changes it, `run` sends traffic through an authenticated gateway (`cf-aig-authorization`).
 */
export const TOKEN_SCOPES = ["read", "edit", "run"] as const;

export const tokenCreateInputSchema = z.strictObject({
  name: z
    .string()
    .max(256)
    .refine((value) => value.trim().length > 0, "must not be empty"),
  scopes: z
    .array(z.enum(TOKEN_SCOPES))
    .min(1)
    .max(TOKEN_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, "must not repeat a scope"),
});

export type TokenCreateInput = z.infer<typeof tokenCreateInputSchema>;
