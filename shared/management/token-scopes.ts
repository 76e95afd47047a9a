import type { TokenScope } from "../store/token-store.ts";
import type { Caller } from "./route-types.ts";

/**
 * The scope lattice (docs/security.md): `edit` holds `read` as well (a route that reads admits an edit
 * token); `run` stands apart, since it spends money through the gateway's stored provider keys and the
 * function's own AWS role, which no management scope may reach. The admin token's scopes are all three.
 */
export function heldScopes(caller: Caller): ReadonlySet<TokenScope> {
  const held = new Set(caller.scopes);
  if (held.has("edit")) held.add("read");
  return held;
}

/** The requested scopes the caller does not hold, in the order asked: a token grants only what it has. */
export function scopesNotHeld(caller: Caller, requested: readonly TokenScope[]): TokenScope[] {
  const held = heldScopes(caller);
  return requested.filter((scope) => !held.has(scope));
}
