import { bearerToken, tokensEqual } from "../core/bearer-token.ts";
import type { GatewayAccessDependencies } from "../core/gateway-access.ts";
import { GatewayError } from "../core/gateway-error.ts";
import type { CredentialDependencies } from "../core/provider-credentials.ts";
import { signAwsRequest } from "../providers/aws-sigv4.ts";
import type { Gateway } from "../schemas/gateway.ts";

export interface PlatformCallInput {
  accountId: string;
  gateway: Gateway;
  /** The REST surface authenticated the caller with an API token already. */
  callerAuthenticated: boolean;
  clientHeaders: Headers;
  region: string;
}

/**
 * A platform model (`@cf/...`) is paid for by the deployment's AWS account, as Workers AI is by the
 * Cloudflare account: the call is signed with the function's own identity (the Lambda role on AWS, the
 * default credential chain under `npm start`), never with a stored aws-bedrock key or a caller's key. So the
 * caller must be someone allowed to spend it: authenticated by the REST surface, by an authenticated
 * gateway (`cf-aig-authorization`), or presenting an API token with the run scope (or the admin token) in
 * `Authorization`, where Cloudflare wants its API token for Workers AI. Anyone else gets a 401.
 */
export async function signPlatformCall(
  request: { url: string; headers: Headers; body: Uint8Array },
  input: PlatformCallInput,
  deps: CredentialDependencies & GatewayAccessDependencies,
): Promise<void> {
  if (!(input.callerAuthenticated || input.gateway.authentication || (await presentsRunToken(input, deps)))) {
    throw GatewayError.unauthorized(
      "Workers AI models (@cf/...) run on this gateway's own AWS account: send an API token with the run scope as Authorization: Bearer, or cf-aig-authorization on a gateway with authentication on",
    );
  }
  await signAwsRequest(request.url, "POST", request.headers, request.body, {
    service: "bedrock",
    region: input.region,
    credentials: deps.awsCredentials,
  });
}

async function presentsRunToken(input: PlatformCallInput, deps: GatewayAccessDependencies): Promise<boolean> {
  const presented = bearerToken(input.clientHeaders.get("authorization"));
  if (presented === null) return false;
  return tokensEqual(presented, await deps.adminToken()) || deps.runTokens.allows(input.accountId, presented);
}
