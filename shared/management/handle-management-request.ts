import { systemClock } from "../core/clock.ts";
import { refuseDotSegments } from "../core/dot-segments.ts";
import { GatewayError, toGatewayError } from "../core/gateway-error.ts";
import { rawPathOf } from "../http/raw-path.ts";
import { OPENAPI_PATH } from "../openapi/openapi-path.ts";
import { ManagementAuthenticator } from "./authenticator.ts";
import type { ManagementDependencies } from "./dependencies.ts";
import { envelopeError } from "./envelope.ts";
import { methodNotAllowed, missingScope } from "./management-errors.ts";
import { serveOpenApiDocument } from "./openapi-route.ts";
import type { Caller, ManagementRoute } from "./route-types.ts";
import { ManagementRouter } from "./router.ts";
import { MANAGEMENT_ROUTES } from "./routes.ts";

export type { ManagementDependencies } from "./dependencies.ts";

/** Lookups of tokens by value are trusted this long by default (docs/management-api.md). */
export const DEFAULT_TOKEN_CACHE_TTL_MS = 10_000;

function hasScope(caller: Caller, route: ManagementRoute): boolean {
  if (caller.scopes.has("edit")) return true;
  return route.scope === "read" && caller.scopes.has("read");
}

/**
 * The management API under `/client/v4/accounts/{account_id}/ai-gateway/` (and Cloudflare's DLP profiles
 * API under `.../dlp/`), in Cloudflare's envelope.
 * Order of checks: the caller (401) before anything about the path, so an unauthenticated client learns
 * nothing; then a dot segment in the path as sent (400), the route (404, 405), the scope (403), the
 * account (404), and the handler, which validates its whole input before it writes anything.
 */
export function createManagementHandler(
  deps: ManagementDependencies,
): (request: Request) => Promise<Response> {
  const router = new ManagementRouter(MANAGEMENT_ROUTES);
  const authenticator = new ManagementAuthenticator({
    accountId: deps.accountId,
    tokens: deps.tokens,
    adminToken: deps.adminToken,
    ttlMs: deps.tokenCacheTtlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS,
    clock: deps.clock ?? systemClock,
  });

  return async (request) => {
    const url = new URL(request.url);
    // Public documentation, the one path here that needs no token (openapi-route.ts).
    if (url.pathname === OPENAPI_PATH) return serveOpenApiDocument(request);
    try {
      const caller = await authenticator.authenticate(request.headers);
      // The path as it came: its URL has resolved `..` already, which would name another resource.
      refuseDotSegments(rawPathOf(request));
      const match = router.match(request.method, url.pathname);
      if (match.kind === "none")
        throw GatewayError.notFound(`No route for ${request.method} ${url.pathname.slice(0, 200)}`);
      if (match.kind === "wrong-method") {
        return envelopeError(methodNotAllowed(request.method, match.allowed), {
          allow: match.allowed.join(", "),
        });
      }
      if (!hasScope(caller, match.route)) throw missingScope(match.route.scope);
      if (match.accountId !== deps.accountId) {
        throw GatewayError.notFound(`Unknown account ${JSON.stringify(match.accountId.slice(0, 80))}`);
      }
      const response = await match.route.handler({
        request,
        url,
        params: match.params,
        accountId: match.accountId,
        deps,
        caller,
        tokenRevoked: (tokenId) => authenticator.forget(tokenId),
      });
      if (match.route.method !== "GET") {
        deps.logger.info("management change", {
          method: match.route.method,
          route: match.route.path,
          status: response.status,
          token_id: caller.tokenId,
        });
      }
      return response;
    } catch (caught) {
      const error = toGatewayError(caught);
      if (error.status >= 500) {
        deps.logger.error("management request failed", {
          method: request.method,
          path: url.pathname,
          error: error.message,
        });
      }
      return envelopeError(error);
    }
  };
}

const handlers = new WeakMap<ManagementDependencies, (request: Request) => Promise<Response>>();

/** One handler (and one token cache) per dependencies object, for callers that keep the deps around. */
export function handleManagementRequest(request: Request, deps: ManagementDependencies): Promise<Response> {
  let handler = handlers.get(deps);
  if (!handler) {
    handler = createManagementHandler(deps);
    handlers.set(deps, handler);
  }
  return handler(request);
}
