/**
 * Every header a provider credential travels in: `Authorization` (Bearer keys, SigV4), Anthropic's
 * `x-api-key`, Azure's `api-key`, Google's `x-goog-api-key`. Applied by core/provider-credentials.ts, judged
 * by the unified surface (unified/upstream-request.ts) and hashed into the cache's identity
 * (cache/credential-identity.ts).
 */
export const PROVIDER_CREDENTIAL_HEADERS = [
  "authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
] as const;
