import { createHash } from "node:crypto";
import { canonicalBody } from "./canonical-body.ts";

export interface CacheKeyInput {
  accountId: string;
  gatewayId: string;
  /** The gateway's created_at: a gateway deleted and re-created with the same id starts with no cache. */
  gatewayCreatedAt: string;
  /** Bumped by an update when `cache_invalidate_on_update` is on (docs/caching.md). */
  generation: number;
  providerSlug: string;
  method: string;
  /** The provider path after the provider slug, and the query string (with its `?`). */
  restPath: string;
  search: string;
  body: Uint8Array | null;
  /** credentialIdentity() of the upstream request. */
  credential: string;
  /** `cf-aig-cache-key`, which replaces the request part of the key (provider, path, body). */
  customKey: string | null;
}

/**
 * The cache key (docs/caching.md): SHA-256 over length-prefixed fields, so no two different field lists
 * produce the same byte stream. The scope (account, gateway and its incarnation, cache generation,
 * credential) is always part of the key, custom key or not: a custom key lets requests share an answer
 * within one gateway and one credential, never across them.
 */
export function cacheKey(input: CacheKeyInput): string {
  const hash = createHash("sha256");
  const field = (value: string | Uint8Array) => {
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    hash.update(`${bytes.byteLength}:`);
    hash.update(bytes);
  };
  field("aig-cache-v1");
  field(input.accountId);
  field(input.gatewayId);
  field(input.gatewayCreatedAt);
  field(String(input.generation));
  field(input.credential);
  if (input.customKey !== null) {
    field("custom");
    field(input.customKey);
  } else {
    field("request");
    field(input.providerSlug);
    field(input.method);
    field(input.restPath);
    field(input.search);
    field(canonicalBody(input.body));
  }
  return hash.digest("hex");
}
