import { GatewayError } from "../core/gateway-error.ts";
import { accountPath, type ManagementRoute } from "./route-types.ts";

/**
 * Everything management routes live under (`/ai-gateway/...`, and Cloudflare's `/dlp/...`); the account
 * id is checked by the caller.
 */
const PREFIX = /^\/client\/v4\/accounts\/([^/]+)(\/(?:ai-gateway|dlp)(?:\/.*)?)$/;

interface CompiledRoute {
  route: ManagementRoute;
  pattern: RegExp;
  names: string[];
}

export type RouteMatch =
  | { kind: "route"; route: ManagementRoute; params: Record<string, string>; accountId: string }
  | { kind: "wrong-method"; allowed: string[] }
  | { kind: "none" };

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw GatewayError.badRequest(`Malformed percent-encoding in path segment "${part.slice(0, 80)}"`);
  }
}

function compile(route: ManagementRoute): CompiledRoute {
  const names: string[] = [];
  const source = accountPath(route).replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

/**
 * Matches a path against the route table: a route, a known path with another method (405, with the
 * methods that are allowed), or nothing (404).
 */
export class ManagementRouter {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly ManagementRoute[]) {
    this.compiled = routes.map(compile);
  }

  match(method: string, pathname: string): RouteMatch {
    const prefix = PREFIX.exec(pathname);
    if (!prefix) return { kind: "none" };
    const accountId = decode(prefix[1] ?? "");
    const rest = prefix[2] ?? "";
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(rest);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decode(found[index + 1] ?? "");
      });
      return { kind: "route", route, params, accountId };
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "none" };
  }
}
