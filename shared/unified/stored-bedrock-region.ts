import { type ProviderKeyResolver, parseStoredBedrockKey } from "../core/provider-credentials.ts";
import type { Gateway } from "../schemas/gateway.ts";

/**
 * The `region` of the gateway's stored aws-bedrock key, when the request will be signed with it: Bedrock
 * keys are `{accessKeyId, secretAccessKey, region?, sessionToken?}` (reference 2, Amazon Bedrock), and a
 * unified request (compat or REST) goes to the stored region, as Cloudflare's does. Null when no key is
 * stored, it names no region, or the gateway may not use stored keys.
 */
export async function storedBedrockRegion(
  keys: ProviderKeyResolver | null,
  request: { accountId: string; gateway: Gateway; alias: string | null },
): Promise<string | null> {
  if (!keys || !request.gateway.authentication) return null;
  const stored = await keys.resolve(
    request.accountId,
    request.gateway.id,
    "aws-bedrock",
    request.alias ?? "default",
  );
  if (!("secret" in stored)) return null;
  const region = parseStoredBedrockKey(stored.secret)?.region;
  return region && REGION_PATTERN.test(region) ? region : null;
}

/** An AWS region name as it may appear in a host name (`us-east-1`, `eu-west-3`, `us-gov-west-1`). */
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
