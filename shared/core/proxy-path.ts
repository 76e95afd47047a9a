import { GATEWAY_ID_PATTERN } from "../schemas/gateway.ts";
import { GatewayError } from "./gateway-error.ts";

export interface ProviderPath {
  accountId: string;
  gatewayId: string;
  providerSlug: string;
  /** The path after `/{provider}/`, still percent-encoded, passed upstream unchanged. */
  restPath: string;
}

/** Splits `/v1/{account_id}/{gateway_id}/{provider}/{path...}`; refuses what cannot name a gateway. */
export function parseProviderPath(pathname: string): ProviderPath {
  const [empty, version, accountId, gatewayId, providerSlug, ...rest] = pathname.split("/");
  if (empty !== "" || version !== "v1" || !accountId || gatewayId === undefined) {
    throw GatewayError.notFound(
      `No route for ${pathname}: expected /v1/{account_id}/{gateway_id}/{provider}/...`,
    );
  }
  const decodedGatewayId = safeDecode(gatewayId);
  if (!GATEWAY_ID_PATTERN.test(decodedGatewayId)) {
    throw GatewayError.badRequest(
      `Invalid gateway id "${decodedGatewayId.slice(0, 80)}": use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  if (!providerSlug) {
    throw GatewayError.notFound(
      `No provider in ${pathname}: expected /v1/{account_id}/{gateway_id}/{provider}/...`,
    );
  }
  return {
    accountId: safeDecode(accountId),
    gatewayId: decodedGatewayId,
    providerSlug,
    restPath: rest.join("/"),
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
