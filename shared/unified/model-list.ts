import { resolveGatewayAccess } from "../core/gateway-access.ts";
import { GatewayError, toGatewayError } from "../core/gateway-error.ts";
import type { ProxyDependencies } from "../core/proxy-dependencies.ts";
import { errorResponse } from "../http/error-response.ts";
import { PRICES } from "../pricing/prices.ts";
import { findProvider } from "../providers/registry.ts";
import { PLATFORM_CATALOGUE } from "../providers/workers-ai/catalogue.ts";
import { DEFAULT_GATEWAY_ID } from "../schemas/gateway.ts";
import { resolveRestGatewayAccess } from "./rest-access.ts";

const REST_MODELS = /^\/client\/v4\/accounts\/([^/]+)\/ai\/v1\/models\/?$/;
const COMPAT_MODELS = /^\/v1\/([^/]+)\/([^/]+)\/compat\/models\/?$/;

/** One entry of the list: OpenAI's model object, plus what the gateway knows about calling it. */
export interface ListedModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** The provider slug the gateway calls (`workers-ai` for platform models, served by Bedrock). */
  provider: string;
  /** False for platform models and Bedrock, which the gateway's own AWS identity can pay for. */
  key_required: boolean;
  /** Whether the gateway has a stored key (any alias) for the provider. */
  key_stored: boolean;
}

export function isModelListPath(pathname: string): boolean {
  return REST_MODELS.test(pathname) || COMPAT_MODELS.test(pathname);
}

/**
 * `GET /client/v4/accounts/{account}/ai/v1/models` and `GET /v1/{account}/{gateway}/compat/models`: the models
 * a client can name on the unified surfaces, in OpenAI's list format (`{"object": "list", "data": [...]}`,
 * what the OpenAI SDK's `models.list()` and most tools read first): the platform catalogue's Workers AI ids,
 * then every model of the pricing table as `{provider}/{model}`, each marked with whether the gateway has a
 * key stored for its provider. Access is the surface's own (an API token on REST, the gateway's on compat).
 */
export async function handleModelList(request: Request, deps: ProxyDependencies): Promise<Response> {
  const pathname = new URL(request.url).pathname;
  try {
    if (request.method !== "GET")
      throw GatewayError.notFound(`${request.method} is not served here: use GET`);
    const rest = REST_MODELS.exec(pathname);
    const compat = COMPAT_MODELS.exec(pathname);
    const accountId = decodeURIComponent(rest?.[1] ?? compat?.[1] ?? "");
    const gateway = rest
      ? await resolveRestGatewayAccess(
          accountId,
          request.headers.get("cf-aig-gateway-id")?.trim() || DEFAULT_GATEWAY_ID,
          request.headers,
          deps,
        )
      : await resolveGatewayAccess(accountId, decodeURIComponent(compat?.[2] ?? ""), request.headers, deps);
    const stored = await storedProviders(accountId, gateway.id, deps);
    return Response.json({ object: "list", data: listModels(stored) });
  } catch (caught) {
    const error = toGatewayError(caught);
    return errorResponse(error, "openai", error.headers);
  }
}

/** The list for a gateway whose stored keys are for `stored` providers. */
export function listModels(stored: ReadonlySet<string>): ListedModel[] {
  const platform = PLATFORM_CATALOGUE.map(
    (row): ListedModel => ({
      id: row.id,
      object: "model",
      created: 0,
      owned_by: row.id.split("/")[1] ?? "workers-ai",
      provider: "workers-ai",
      key_required: false,
      key_stored: false,
    }),
  );
  const priced = PRICES.map(
    (entry): ListedModel => ({
      id: `${entry.provider}/${entry.model}`,
      object: "model",
      created: 0,
      owned_by: entry.provider,
      provider: entry.provider,
      key_required: findProvider(entry.provider)?.credentialStyle !== "sigv4",
      key_stored: stored.has(entry.provider),
    }),
  );
  return [...platform, ...priced];
}

/** The providers of the pricing table with a key stored on the gateway, under any alias. */
async function storedProviders(
  accountId: string,
  gatewayId: string,
  deps: ProxyDependencies,
): Promise<Set<string>> {
  const keys = deps.providerKeys;
  if (!keys) return new Set();
  const providers = [...new Set(PRICES.map((entry) => entry.provider))];
  const found = await Promise.all(
    providers.map(async (provider) => {
      const resolved = await keys.resolve(accountId, gatewayId, provider, "default");
      return "secret" in resolved || resolved.aliases.length > 0 ? provider : null;
    }),
  );
  return new Set(found.filter((provider): provider is string => provider !== null));
}
