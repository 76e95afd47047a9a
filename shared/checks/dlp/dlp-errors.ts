import { GatewayError } from "../../core/gateway-error.ts";

/** Cloudflare's DLP codes (reference 8.4), both answered 400. */
export const DLP_REQUEST_BLOCKED = 2029;
export const DLP_RESPONSE_BLOCKED = 2030;

export const requestBlocked = () =>
  new GatewayError({
    status: 400,
    code: DLP_REQUEST_BLOCKED,
    message: "Request content blocked due to DLP policy violations",
  });

export const responseBlocked = () =>
  new GatewayError({
    status: 400,
    code: DLP_RESPONSE_BLOCKED,
    message: "Response content blocked due to DLP policy violations",
  });
