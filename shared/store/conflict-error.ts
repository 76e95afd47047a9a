import { GatewayError } from "../core/gateway-error.ts";

/**
 * The code of a 409 in the management API (a duplicate id, slug or alias; a change that would orphan
 * stored keys). Cloudflare documents no code for it; 7001 sits beside the gateway's other 70xx input
 * errors (docs/management-api.md lists it).
 */
export const CONFLICT_CODE = 7001;

export function conflict(message: string): GatewayError {
  return new GatewayError({ status: 409, code: CONFLICT_CODE, message });
}

/** How DynamoDB reports a failed ConditionExpression, from either the low-level or the document client. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
