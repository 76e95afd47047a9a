import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { z } from "zod";
import { PROVIDER_CREDENTIAL_HEADERS } from "../http/credential-headers.ts";
import { signAwsRequest } from "../providers/aws-sigv4.ts";
import {
  type GoogleTokenMinter,
  parseServiceAccount,
  serviceAccountFromBearer,
} from "../providers/google-service-account.ts";
import type { ProviderDefinition } from "../providers/registry.ts";
import type { Gateway } from "../schemas/gateway.ts";
import { GatewayError } from "./gateway-error.ts";

/** What the proxy needs of the provider key store (ProviderKeyStore.resolve, usually through a cache). */
export interface ProviderKeyResolver {
  resolve(
    accountId: string,
    gatewayId: string,
    providerSlug: string,
    alias: string,
  ): Promise<{ secret: string } | { aliases: string[] }>;
}

export interface CredentialDependencies {
  /** Stored provider keys; null where the deployment has no key encryption configured. */
  providerKeys: ProviderKeyResolver | null;
  /** The function's own AWS identity (the Lambda role on AWS), for Bedrock calls that bring no key. */
  awsCredentials: AwsCredentialIdentityProvider;
  /** Mints (and caches) OAuth access tokens from Google service accounts, for Vertex AI. */
  googleTokens: GoogleTokenMinter;
}

export interface UpstreamRequest {
  provider: ProviderDefinition;
  accountId: string;
  gateway: Gateway;
  restPath: string;
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | null;
  /** `cf-aig-byok-alias`, if the client named a stored key. */
  alias: string | null;
}

const ALIAS_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const bedrockKeySchema = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
  region: z.string().optional(),
});

/** A stored aws-bedrock key, `{accessKeyId, secretAccessKey, sessionToken?, region?}`; undefined if it is not one. */
export function parseStoredBedrockKey(secret: string): z.infer<typeof bedrockKeySchema> | undefined {
  const parsed = bedrockKeySchema.safeParse(safeJson(secret));
  return parsed.success ? parsed.data : undefined;
}

function hasClientCredential(headers: Headers, url: string): boolean {
  return (
    PROVIDER_CREDENTIAL_HEADERS.some((name) => headers.has(name)) || new URL(url).searchParams.has("key")
  );
}

/**
 * Decides which provider credential an upstream request carries, and applies it (reference 8.2):
 * - the client's own credential header passes through, unless it names a stored key with
 *   `cf-aig-byok-alias`;
 * - otherwise, on an authenticated gateway, the stored key under the alias (`default` when none is named)
 *   replaces whatever the client sent: a header in the provider's style, or a SigV4 signature for Bedrock;
 * - an alias that does not exist is a 400 (code 2040) that lists the aliases there are;
 * - a Bedrock request with no credential and no stored key is signed with the function's own role, so on
 *   AWS a team can call Bedrock with no provider key at all.
 * Stored keys are never used on a gateway without authentication: anyone could spend them.
 */
export async function applyProviderCredentials(
  request: UpstreamRequest,
  deps: CredentialDependencies,
): Promise<void> {
  const { provider, alias, headers } = request;
  if (alias !== null && !ALIAS_PATTERN.test(alias)) {
    throw GatewayError.badRequest(
      "Invalid cf-aig-byok-alias header: use 1 to 64 letters, digits, '-' or '_'",
    );
  }
  const clientCredential = hasClientCredential(headers, request.url);
  if (alias === null && clientCredential) {
    await exchangeClientServiceAccount(request, deps);
    return;
  }
  if (!request.gateway.authentication) {
    if (alias !== null) {
      throw GatewayError.badRequest(
        "Stored provider keys can only be used through a gateway with authentication on",
      );
    }
    return;
  }

  const stored = deps.providerKeys
    ? await deps.providerKeys.resolve(
        request.accountId,
        request.gateway.id,
        provider.slug,
        alias ?? "default",
      )
    : { aliases: [] };

  if ("secret" in stored) {
    for (const name of PROVIDER_CREDENTIAL_HEADERS) headers.delete(name);
    await presentStoredKey(request, stored.secret, deps);
    return;
  }
  if (alias !== null) {
    throw GatewayError.unknownKeyAlias(provider.slug, alias, stored.aliases);
  }
  if (provider.credentialStyle === "sigv4" && !clientCredential) {
    await signAwsRequest(request.url, request.method, headers, request.body, {
      service: "bedrock",
      region: bedrockRegion(request.restPath),
      credentials: deps.awsCredentials,
    });
  }
}

/**
 * Vertex AI: a caller's `Authorization: Bearer <base64 service account JSON>` is exchanged for an access
 * token (Cloudflare's form); any other Bearer value (a gcloud access token) passes through unchanged.
 */
async function exchangeClientServiceAccount(
  request: UpstreamRequest,
  deps: CredentialDependencies,
): Promise<void> {
  if (request.provider.credentialStyle !== "google-service-account") return;
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  const account = match?.[1] ? serviceAccountFromBearer(match[1]) : undefined;
  if (!account) return;
  request.headers.set("authorization", `Bearer ${await deps.googleTokens.accessToken(account)}`);
}

async function presentStoredKey(
  request: UpstreamRequest,
  secret: string,
  deps: CredentialDependencies,
): Promise<void> {
  const { headers } = request;
  switch (request.provider.credentialStyle) {
    case "bearer":
      headers.set("authorization", `Bearer ${secret}`);
      return;
    case "x-api-key":
    case "x-goog-api-key":
    case "api-key":
      headers.set(request.provider.credentialStyle, secret);
      return;
    case "sigv4": {
      const key = parseStoredBedrockKey(secret);
      if (!key) throw GatewayError.internal("The stored aws-bedrock key is not an access key pair");
      // The region picked the URL already (unified/stored-bedrock-region.ts); the path names it.
      const { region: _storedRegion, ...credentials } = key;
      await signAwsRequest(request.url, request.method, headers, request.body, {
        service: "bedrock",
        region: bedrockRegion(request.restPath),
        credentials,
      });
      return;
    }
    case "google-service-account": {
      const account = parseServiceAccount(secret);
      if (!account)
        throw GatewayError.internal("The stored google-vertex-ai key is not a service account JSON");
      headers.set("authorization", `Bearer ${await deps.googleTokens.accessToken(account)}`);
      return;
    }
  }
}

/** `/aws-bedrock/{service}/{region}/...`: the path names the region (validated when the URL was built). */
function bedrockRegion(restPath: string): string {
  return restPath.split("/")[1] ?? "us-east-1";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
