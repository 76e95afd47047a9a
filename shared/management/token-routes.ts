import { z } from "zod";
import { tokenCreateInputSchema } from "../schemas/api-token.ts";
import { envelope, pagedEnvelope } from "./envelope.ts";
import { cannotGrantScopes } from "./management-errors.ts";
import { notFound, uuidParam } from "./path-params.ts";
import { parseInput, queryObject, readJsonObject } from "./request-input.ts";
import type { RouteContext } from "./route-types.ts";
import { scopesNotHeld } from "./token-scopes.ts";

/**
 * API tokens, at `/client/v4/accounts/{account_id}/ai-gateway/tokens` (so the REST API's existing
 * `/ai-gateway/{proxy+}` resource serves them). The value is in the create response only; it is stored
 * as a hash and can never be read back. A caller creates only tokens whose scopes it holds itself
 * (token-scopes.ts); the admin token holds every scope.
 */
export async function createToken(context: RouteContext): Promise<Response> {
  const input = parseInput(tokenCreateInputSchema, await readJsonObject(context.request));
  // Minting is granting: an edit token that could create a run token could spend the stored keys.
  const missing = scopesNotHeld(context.caller, input.scopes);
  if (missing.length > 0) {
    context.deps.logger.warn("api token creation refused", {
      requested_scopes: input.scopes,
      missing_scopes: missing,
      by: context.caller.tokenId,
    });
    throw cannotGrantScopes(missing);
  }
  const { token, value } = await context.deps.tokens.create(context.accountId, input);
  context.deps.logger.info("api token created", {
    token_id: token.id,
    scopes: token.scopes,
    by: context.caller.tokenId,
  });
  return envelope({ ...token, value });
}

export const listQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(50).default(20),
});

/** Every token, oldest first, revoked ones included (with revoked_at), never with values. */
export async function listTokens(context: RouteContext): Promise<Response> {
  const query = parseInput(listQuerySchema, queryObject(context.url), { source: "query" });
  const tokens = await context.deps.tokens.list(context.accountId);
  const start = (query.page - 1) * query.per_page;
  return pagedEnvelope(
    tokens.slice(start, start + query.per_page),
    query.page,
    query.per_page,
    tokens.length,
  );
}

/** Revokes (the token stays listed, with revoked_at); revoking twice returns the first revocation. */
export async function revokeToken(context: RouteContext): Promise<Response> {
  const id = uuidParam(context, "token_id", "token");
  const token = await context.deps.tokens.revoke(context.accountId, id);
  if (!token) throw notFound("token", id);
  context.tokenRevoked(id);
  context.deps.logger.info("api token revoked", { token_id: id, by: context.caller.tokenId });
  return envelope(token);
}
