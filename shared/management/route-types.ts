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
  /** Below `/client/v4/accounts/{account_id}/ai-gateway`, with `{name}` parameters. */
  path: string;
  /** "read" routes also admit "edit" tokens. */
  scope: "read" | "edit";
  handler: RouteHandler;
}
