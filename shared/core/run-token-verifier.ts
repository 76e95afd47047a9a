import { createHash } from "node:crypto";
import type { Clock } from "./clock.ts";

/** What the verifier needs of the token store (TokenStore.findByValue). */
export interface TokenFinder {
  findByValue(
    accountId: string,
    value: string,
  ): Promise<{ scopes: readonly string[]; revoked_at: string | null } | undefined>;
}

interface Verdict {
  allowed: boolean;
  expiresAt: number;
}

/** Bound on the cache, so a flood of random tokens cannot grow memory without limit. */
const MAX_ENTRIES = 10_000;

/**
 * Decides whether a presented token may run requests through an authenticated gateway: it must exist,
 * not be revoked, and carry the `run` scope. Verdicts (both ways) are cached in memory for `ttlMs`, keyed
 * by the token's hash, so the hot path reads DynamoDB at most once per token per `ttlMs` per instance.
 * The cost: a revoked token keeps working for at most `ttlMs` (TOKEN_CACHE_TTL_MS, 10 s by default) on an
 * instance that saw it just before.
 */
export class RunTokenVerifier {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly finder: TokenFinder,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  async allows(accountId: string, value: string): Promise<boolean> {
    const key = createHash("sha256").update(`${accountId}\n${value}`).digest("base64");
    const now = this.clock.now();
    const cached = this.verdicts.get(key);
    if (cached && cached.expiresAt > now) return cached.allowed;

    const token = await this.finder.findByValue(accountId, value);
    const allowed = token !== undefined && token.revoked_at === null && token.scopes.includes("run");
    if (this.verdicts.size >= MAX_ENTRIES) this.verdicts.clear();
    this.verdicts.set(key, { allowed, expiresAt: now + this.ttlMs });
    return allowed;
  }
}
