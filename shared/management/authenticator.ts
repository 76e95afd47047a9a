import { bearerToken, tokensEqual } from "../core/bearer-token.ts";
import type { Clock } from "../core/clock.ts";
import { hashApiTokenValue } from "../security/api-token-value.ts";
import type { ApiToken, TokenScope, TokenStore } from "../store/token-store.ts";
import { authenticationError } from "./management-errors.ts";
import type { Caller } from "./route-types.ts";

const ALL_SCOPES: ReadonlySet<TokenScope> = new Set(["read", "edit", "run"]);

/** Bound on the cache, so a flood of distinct tokens cannot grow memory without limit. */
const MAX_CACHED_TOKENS = 10_000;

interface CachedToken {
  token: ApiToken;
  expiresAt: number;
}

export interface AuthenticatorOptions {
  accountId: string;
  tokens: TokenStore;
  adminToken: () => Promise<string>;
  /** How long a token found by value is trusted before it is read again. */
  ttlMs: number;
  clock: Clock;
}

/**
 * Who a management request comes from. The bootstrap admin token (compared in constant time) has every
 * scope; any other bearer value is looked up by its hash in the TokenStore.
 *
 * Found tokens are cached per instance for `ttlMs` (TOKEN_CACHE_TTL_MS, 10 s by default), so a revoked
 * token keeps working for at most that long on another instance that looked it up just before. The
 * instance that revokes it forgets it at once. Unknown values are not cached: a token created a moment
 * ago works at once, and a wrong value is a single GetItem.
 */
export class ManagementAuthenticator {
  private readonly cache = new Map<string, CachedToken>();

  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(headers: Headers): Promise<Caller> {
    const presented = bearerToken(headers.get("authorization"));
    if (!presented) throw authenticationError();
    if (tokensEqual(presented, await this.options.adminToken())) return { tokenId: null, scopes: ALL_SCOPES };
    const token = await this.lookup(presented);
    if (!token || token.revoked_at !== null) throw authenticationError();
    return { tokenId: token.id, scopes: new Set(token.scopes) };
  }

  /** Forget a token at once (it was just revoked through this instance). */
  forget(tokenId: string): void {
    for (const [key, entry] of this.cache) {
      if (entry.token.id === tokenId) this.cache.delete(key);
    }
  }

  private async lookup(value: string): Promise<ApiToken | undefined> {
    const key = hashApiTokenValue(value);
    const now = this.options.clock.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.token;
    this.cache.delete(key);

    const token = await this.options.tokens.findByValue(this.options.accountId, value);
    if (token && this.options.ttlMs > 0) {
      if (this.cache.size >= MAX_CACHED_TOKENS) this.cache.clear();
      this.cache.set(key, { token, expiresAt: now + this.options.ttlMs });
    }
    return token;
  }
}
