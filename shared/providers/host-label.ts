import { GatewayError } from "../core/gateway-error.ts";

/** A host label taken from the client's path (region, Azure resource): refuse anything that could change the host. */
const HOST_LABEL = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function hostLabel(value: string | undefined, what: string, example: string): string {
  if (!value || !HOST_LABEL.test(value)) {
    throw GatewayError.badRequest(`Invalid ${what} "${value ?? ""}" in the path: expected ${example}`);
  }
  return value;
}
