import { GatewayError } from "../../core/gateway-error.ts";
import type { ProviderKeyResolver } from "../../core/provider-credentials.ts";
import type { Gateway } from "../../schemas/gateway.ts";
import {
  parseServiceAccount,
  type ServiceAccount,
  serviceAccountFromBearer,
} from "../google-service-account.ts";

const ALIAS_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface VertexAccountInput {
  accountId: string;
  gateway: Gateway;
  /** The compat caller's `Authorization: Bearer` value; a base64 service account JSON is used as one. */
  clientKey: string | null;
  alias: string | null;
  /** The REST surface authenticated the caller with an API token: stored keys may be used. */
  callerAuthenticated: boolean;
}

/**
 * The service account a unified Vertex AI call runs as. Its project and region pick the URL, so it is
 * needed before the request is built (unlike other providers, whose credential is only a header):
 * the compat caller's base64 service account JSON, unless a stored key is named with cf-aig-byok-alias;
 * else the stored `google-vertex-ai` key (alias or `default`), where stored keys may be used.
 */
export async function vertexServiceAccount(
  input: VertexAccountInput,
  providerKeys: ProviderKeyResolver | null,
): Promise<ServiceAccount> {
  const { alias } = input;
  if (alias !== null && !ALIAS_PATTERN.test(alias)) {
    throw GatewayError.badRequest(
      "Invalid cf-aig-byok-alias header: use 1 to 64 letters, digits, '-' or '_'",
    );
  }
  const fromCaller = input.clientKey ? serviceAccountFromBearer(input.clientKey) : undefined;
  if (fromCaller && alias === null) return fromCaller;

  if ((input.callerAuthenticated || input.gateway.authentication) && providerKeys) {
    const stored = await providerKeys.resolve(
      input.accountId,
      input.gateway.id,
      "google-vertex-ai",
      alias ?? "default",
    );
    if ("secret" in stored) {
      const account = parseServiceAccount(stored.secret);
      if (!account)
        throw GatewayError.internal("The stored google-vertex-ai key is not a service account JSON");
      return account;
    }
    if (alias !== null) {
      throw GatewayError.unknownKeyAlias("google-vertex-ai", alias, stored.aliases);
    }
  } else if (alias !== null) {
    throw GatewayError.badRequest(
      "Stored provider keys can only be used through a gateway with authentication on",
    );
  }
  throw GatewayError.unauthorized(
    "google-vertex-ai models need a service account: a stored google-vertex-ai key (REST surface, or a gateway with authentication on), or on the compat surface Authorization: Bearer <base64 of the service account JSON>",
  );
}
