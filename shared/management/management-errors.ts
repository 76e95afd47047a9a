import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/** Cloudflare answers a missing, wrong or insufficient API token with code 10000. */
export const AUTHENTICATION_ERROR_CODE = 10000;

export function authenticationError(): GatewayError {
  return new GatewayError({ status: 401, code: AUTHENTICATION_ERROR_CODE, message: "Authentication error" });
}

export function missingScope(scope: string): GatewayError {
  return new GatewayError({
    status: 403,
    code: AUTHENTICATION_ERROR_CODE,
    message: `Authentication error: token lacks the ${scope} scope`,
  });
}

/** A token asked to grant scopes its creator lacks (no token can mint one with more than it holds). */
export function cannotGrantScopes(missing: readonly string[]): GatewayError {
  const list = missing.length === 1 ? `the ${missing[0]} scope` : `the ${missing.join(" and ")} scopes`;
  return new GatewayError({
    status: 403,
    code: AUTHENTICATION_ERROR_CODE,
    message: `Authentication error: token lacks ${list} it asks to grant (a token can only create tokens with scopes it holds)`,
  });
}

export function methodNotAllowed(method: string, allowed: readonly string[]): GatewayError {
  return new GatewayError({
    status: 405,
    code: ERROR_CODES.invalidInput,
    message: `Method ${method} is not allowed here; allowed: ${allowed.join(", ")}`,
  });
}

export function bodyTooLarge(maxBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    code: ERROR_CODES.payloadTooLarge,
    message: `Request body too large: at most ${maxBytes} bytes`,
  });
}

/** A feature the deployment has not been configured for: the message says which setting enables it. */
export function notConfigured(message: string): GatewayError {
  return new GatewayError({ status: 501, code: ERROR_CODES.internal, message, expose: true });
}
