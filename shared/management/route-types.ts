import type { TokenScope } from "../store/token-store.ts";
import type { ManagementDependencies } from "./dependencies.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who is calling: the bootstrap admin token (every scope), or an API token. */
export interface Caller {
  tokenId: string | null;
  scopes: ReadonlySet<TokenScope>;
}

export interface RouteContext {
  request: Request;
  url: URL;
  /** Path parameters, percent-decoded. */
  params: Readonly<Record<string, string>>;
  accountId: string;
  deps: ManagementDependencies;
  caller: Caller;
  /** Drops a revoked token from this instance's lookup cache at once. */
  tokenRevoked(tokenId: string): void;
}

export type RouteHandler = (context: RouteContext) => Promise<Response>;

export interface ManagementRoute {
  method: HttpMethod;
  /** Below `/client/v4/accounts/{account_id}` + `base`, with `{name}` parameters. */
  path: string;
  /**
   * The API the path is under, below the account: `/ai-gateway` (the default) or, for Cloudflare's DLP
   * profiles API, `` (the path then starts with `/dlp`).
   */
  base?: "/ai-gateway" | "";
  /** "read" routes also admit "edit" tokens. */
  scope: "read" | "edit";
  handler: RouteHandler;
}

/** A route's path below `/client/v4/accounts/{account_id}`. */
export function accountPath(route: Pick<ManagementRoute, "base" | "path">): string {
  return `${route.base ?? "/ai-gateway"}${route.path}`;
}
