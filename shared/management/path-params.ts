import { GatewayError } from "../core/gateway-error.ts";
import { GATEWAY_ID_PATTERN } from "../schemas/gateway.ts";
import { GATEWAY_ID_MESSAGE } from "../schemas/gateway-input.ts";
import type { RouteContext } from "./route-types.ts";

/** Ids this API hands out (tokens, provider keys, custom providers) are UUIDs. */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A parameter as it may be echoed in a message: short, and quoted. */
const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);

function param(context: RouteContext, name: string): string {
  return context.params[name] ?? "";
}

export function gatewayIdParam(context: RouteContext): string {
  const id = param(context, "gateway_id");
  if (!GATEWAY_ID_PATTERN.test(id))
    throw GatewayError.badRequest(`Invalid gateway id ${shown(id)}: ${GATEWAY_ID_MESSAGE}`);
  return id;
}

export function uuidParam(context: RouteContext, name: string, what: string): string {
  const id = param(context, name);
  if (!UUID_PATTERN.test(id))
    throw GatewayError.badRequest(`Invalid ${what} id ${shown(id)}: must be a UUID`);
  return id.toLowerCase();
}

/** Log ids are UUIDv7s too, but older ids are looked up as given: unknown ones are simply not found. */
export function logIdParam(context: RouteContext): string {
  const id = param(context, "log_id");
  if (id.length === 0 || id.length > 128) throw GatewayError.badRequest(`Invalid log id ${shown(id)}`);
  return id;
}

export function notFound(what: string, id: string): GatewayError {
  return GatewayError.notFound(`Unknown ${what} ${shown(id)}`);
}
