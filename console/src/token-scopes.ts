import type { ApiClient } from "./api-client.ts";

interface TokenListItem {
  value_preview: string;
  scopes: string[];
  revoked_at: string | null;
}

/** The prefix and preview of API tokens, as shared/security/api-token-value.ts writes them. */
const API_TOKEN_PREFIX = "aig_";

/**
 * Whether the signed-in token may change things (the `edit` scope). The API has no "who am I", but it
 * lists every token with its preview and scopes, and a `read` token may read that list: the console finds
 * its own token by preview. A token not in the list is the admin token, which has every scope. Only the
 * controls depend on this; the API refuses an edit without the scope whatever the console shows.
 */
export async function tokenCanEdit(client: ApiClient, token: string): Promise<boolean> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return true;
  const preview = `${token.slice(0, API_TOKEN_PREFIX.length + 4)}...${token.slice(-4)}`;
  for (let page = 1; page <= 20; page++) {
    const envelope = await client.get<TokenListItem[]>("/tokens", { page, per_page: 50 });
    const own = envelope.result.find((item) => item.value_preview === preview && !item.revoked_at);
    if (own) return own.scopes.includes("edit");
    if (page >= (envelope.result_info?.total_pages ?? 1)) break;
  }
  return true;
}
