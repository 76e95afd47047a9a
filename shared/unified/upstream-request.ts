import { bearerToken } from "../core/bearer-token.ts";
import { GatewayError } from "../core/gateway-error.ts";
import { applyProviderCredentials } from "../core/provider-credentials.ts";
import { resolveProviderTarget } from "../core/provider-target.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { PROVIDER_CREDENTIAL_HEADERS } from "../http/credential-headers.ts";
import { upstreamRequestHeaders } from "../http/forwarded-headers.ts";
import type { ConnectionPin } from "../http/pinned-lookup.ts";
import { vertexServiceAccount } from "../providers/google-vertex-ai/unified-service-account.ts";
import { findProvider, type ProviderDefinition } from "../providers/registry.ts";
import type { Gateway } from "../schemas/gateway.ts";
import type { TranslatedRequest } from "../translation/types.ts";
import { signPlatformCall } from "./platform-credentials.ts";
import { storedBedrockRegion } from "./stored-bedrock-region.ts";

export interface UnifiedUpstream {
  provider: ProviderDefinition;
  url: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer>;
  /** The path after the provider slug, as the provider-native surface would have it (for the log). */
  restPath: string;
  /** For a host the SSRF guard checked: the addresses the call must connect to (http-fetch.ts). */
  pin?: ConnectionPin | undefined;
}

export interface UpstreamRequestInput {
  accountId: string;
  gateway: Gateway;
  providerSlug: string;
  translated: TranslatedRequest;
  /** The provider key the caller sent (compat surface: `Authorization: Bearer`); null: stored keys only. */
  clientKey: string | null;
  alias: string | null;
  /** The REST surface authenticated the caller with an API token: stored keys and the role may be used. */
  callerAuthenticated: boolean;
  bedrockRegion: string;
  clientHeaders: Headers;
  /** A platform model (`@cf/...`): signed with the function's own AWS identity only (platform-credentials.ts). */
  platformModel?: boolean;
}

/** Client headers that never reach the provider as sent: credentials (the gateway places them) and the body's. */
const NOT_FORWARDED = ["authorization", "x-api-key", "api-key", "x-goog-api-key", "content-type", "accept"];

/**
 * The client's other headers pass on as on the provider-native surface (without the gateway's own,
 * hop-by-hop and front-door headers): user agents, request ids, provider beta flags.
 */
function forwardedHeaders(client: Headers): Headers {
  const headers = upstreamRequestHeaders(client);
  for (const name of NOT_FORWARDED) headers.delete(name);
  return headers;
}

/** Bedrock API keys (long-term) start with ABSK; anything else in Authorization is not a Bedrock key. */
const BEDROCK_API_KEY = /^ABSK/;

/**
 * The provider request for a translated body: the provider's URL (base URL or UPSTREAM_<SLUG>_URL, through
 * the SSRF guard as the provider-native surface does), the provider key in the provider's own header, or
 * a stored key, or for Bedrock a SigV4 signature (stored access keys or the function's own role).
 */
export async function buildUpstreamRequest(
  input: UpstreamRequestInput,
  deps: ProxyDependencies,
): Promise<UnifiedUpstream> {
  const [translatedPath = "", query] = input.translated.path.split("?", 2);
  const credentialStyle = findProvider(input.providerSlug)?.credentialStyle;
  // A service account (Vertex AI): its project and region are part of the URL (docs/unified-api.md).
  const vertexAccount =
    credentialStyle === "google-service-account"
      ? await vertexServiceAccount(input, deps.providerKeys)
      : null;
  // A caller authenticated by an API token may use the gateway's stored keys (and the role for Bedrock),
  // as on a gateway with authentication on.
  const gateway = input.callerAuthenticated ? { ...input.gateway, authentication: true } : input.gateway;
  // SigV4 (Bedrock): the region is part of the path the host rule reads.
  const restPath =
    credentialStyle === "sigv4"
      ? `bedrock-runtime/${await bedrockRegionOf(input, gateway, deps)}/${translatedPath}`
      : vertexAccount
        ? `v1/projects/${vertexAccount.projectId}/locations/${vertexAccount.region}/${translatedPath}`
        : translatedPath;
  const { provider, url, pin } = await resolveProviderTarget(
    input.accountId,
    input.providerSlug,
    restPath,
    query === undefined ? "" : `?${query}`,
    deps,
    "bad-request",
  );
  const body = new TextEncoder().encode(JSON.stringify(input.translated.body)) as Uint8Array<ArrayBuffer>;
  const headers = forwardedHeaders(input.clientHeaders);
  headers.set("content-type", "application/json");
  for (const [name, value] of Object.entries(input.translated.headers ?? {})) headers.set(name, value);
  if (vertexAccount) {
    headers.set("authorization", `Bearer ${await deps.googleTokens.accessToken(vertexAccount)}`);
    return { provider, url, headers, body, restPath, pin };
  }
  if (input.platformModel) {
    await signPlatformCall({ url, headers, body }, { ...input, region: input.bedrockRegion }, deps);
    return { provider, url, headers, body, restPath, pin };
  }
  presentClientKey(provider, headers, input.clientKey);

  await applyProviderCredentials(
    {
      provider,
      accountId: input.accountId,
      gateway,
      restPath,
      url,
      method: "POST",
      headers,
      body,
      alias: input.alias,
    },
    deps,
  );
  if (input.callerAuthenticated && input.clientKey === null && !carriesCredential(provider, headers)) {
    throw missingProviderKey(provider.slug, input.accountId, input.gateway.id);
  }
  if (provider.credentialStyle === "sigv4" && !headers.has("authorization")) {
    throw GatewayError.unauthorized(
      "aws-bedrock models need a Bedrock API key, a stored aws-bedrock key or a gateway with authentication on (to use the gateway's own AWS role)",
    );
  }
  return { provider, url, headers, body, restPath, pin };
}

/**
 * Where a unified Bedrock call goes: the stored key's region when the call will be signed with a stored
 * key, else AWS_BEDROCK_REGION or the function's own (a Bedrock API key, or the function's role).
 */
async function bedrockRegionOf(
  input: UpstreamRequestInput,
  gateway: Gateway,
  deps: ProxyDependencies,
): Promise<string> {
  // A platform model is always signed with the function's own role, in its region.
  if (input.platformModel) return input.bedrockRegion;
  if (input.clientKey !== null && BEDROCK_API_KEY.test(input.clientKey)) return input.bedrockRegion;
  const stored = await storedBedrockRegion(deps.providerKeys, {
    accountId: input.accountId,
    gateway,
    alias: input.alias,
  });
  return stored ?? input.bedrockRegion;
}

/**
 * Whether the request now carries a provider credential. Bedrock always does (a stored key or the
 * function's own role signs it); a custom provider may be an API that takes no key, so it is not judged.
 */
function carriesCredential(provider: ProviderDefinition, headers: Headers): boolean {
  if (provider.credentialStyle === "sigv4" || provider.slug.startsWith("custom-")) return true;
  return PROVIDER_CREDENTIAL_HEADERS.some((name) => headers.has(name));
}

/**
 * The REST surface's answer when no key is stored for the provider: 401 with code 2009 (reference 1.3),
 * before anything is sent upstream, with the two ways to give the gateway a key.
 */
function missingProviderKey(providerSlug: string, accountId: string, gatewayId: string): GatewayError {
  return GatewayError.unauthorized(
    `No key for provider "${providerSlug}" on gateway "${gatewayId}". Store one with POST ` +
      `/client/v4/accounts/${accountId}/ai-gateway/gateways/${gatewayId}/provider_configs ` +
      `({"provider_slug": "${providerSlug}", "secret": "..."}), or call /v1/${accountId}/${gatewayId}/compat/ ` +
      "with the provider's own key in Authorization.",
  );
}

function presentClientKey(provider: ProviderDefinition, headers: Headers, key: string | null): void {
  if (key === null) return;
  switch (provider.credentialStyle) {
    case "x-api-key":
    case "x-goog-api-key":
    case "api-key":
      headers.set(provider.credentialStyle, key);
      return;
    case "sigv4":
      // The OpenAI SDK always sends some key: only a Bedrock API key is used as one; otherwise the
      // request is signed with a stored key or the gateway's role.
      if (BEDROCK_API_KEY.test(key)) headers.set("authorization", `Bearer ${key}`);
      return;
    default:
      headers.set("authorization", `Bearer ${key}`);
  }
}

export function clientProviderKey(headers: Headers): string | null {
  return bearerToken(headers.get("authorization"));
}
