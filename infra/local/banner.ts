import { readUpstreamOverrides } from "../../shared/config/env.ts";
import type { LogFormat } from "./cli-options.ts";
import { matchRoute } from "./routes.ts";
import type { LocalGateway } from "./server.ts";

export interface BannerFacts {
  gateway: Pick<LocalGateway, "url" | "accountId" | "adminToken" | "adminTokenSource" | "adminTokenFile">;
  /** "in memory (--memory)" or the data dir. */
  storage: string;
  workers: number;
  /** Null with --quiet. */
  accessLog: LogFormat | null;
  /** The handlers' environment once the gateway runs (UPSTREAM_<SLUG>_URL, TRUSTED_UPSTREAM_HOSTS). */
  env: NodeJS.ProcessEnv;
}

/**
 * What `npm start` prints once it serves: where, with what token, where requests to providers go (an
 * override left set from another session is a common surprise), and a first request to try.
 */
export function startBanner(facts: BannerFacts): string {
  const { gateway } = facts;
  const base = `${gateway.url}/v1/${gateway.accountId}/default`;
  // The token is a secret: shown once when it is generated, otherwise only where to find it.
  const tokenLine =
    gateway.adminTokenSource === "generated"
      ? `export AIG_API_TOKEN=${gateway.adminToken}   (generated now${gateway.adminTokenFile ? `, kept in ${gateway.adminTokenFile}` : ""})`
      : gateway.adminTokenSource === "file"
        ? `export AIG_API_TOKEN=$(cat ${gateway.adminTokenFile})`
        : "from AIG_API_TOKEN";
  const lines = [
    `AI gateway running at ${gateway.url}`,
    `  account id:    ${gateway.accountId}`,
    `  admin token:   ${tokenLine}`,
    `  storage:       ${facts.storage}`,
    `  processes:     ${facts.workers} serving requests (--workers)`,
    ...upstreamLines(facts.env),
    `  trusted hosts: ${trustedHosts(facts.env)} (TRUSTED_UPSTREAM_HOSTS: upstreams allowed on private addresses)`,
    `  access log:    ${facts.accessLog ? `one ${facts.accessLog} line per request (--quiet: none)` : "off (--quiet)"}`,
  ];
  // The web console, where this build serves one.
  if (matchRoute("/")) lines.push(`  console:       ${gateway.url}/`);
  return `${lines.join("\n")}

Try a first request (your own OpenAI key, sent on to OpenAI unchanged):
  curl ${base}/openai/chat/completions \\
    -H "cf-aig-authorization: Bearer $AIG_API_TOKEN" \\
    -H "Authorization: Bearer $OPENAI_API_KEY" -H "content-type: application/json" \\
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'

Then read its log:
  curl ${gateway.url}/client/v4/accounts/${gateway.accountId}/ai-gateway/gateways/default/logs \\
    -H "Authorization: Bearer $AIG_API_TOKEN"

Ctrl-C (or SIGTERM) stops the gateway.`;
}

/** One line per UPSTREAM_<SLUG>_URL, without any user:password the URL carries (a proxy's, say). */
function upstreamLines(env: NodeJS.ProcessEnv): string[] {
  let overrides: Record<string, string>;
  try {
    overrides = readUpstreamOverrides(env);
  } catch {
    return [];
  }
  const entries = Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return ["  upstreams:     each provider's own URL (no UPSTREAM_<SLUG>_URL set)"];
  return entries.map(
    ([slug, url], index) =>
      `  ${index === 0 ? "upstreams:    " : "              "} ${slug} -> ${withoutCredentials(url)}`,
  );
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
}

function trustedHosts(env: NodeJS.ProcessEnv): string {
  const hosts = (env.TRUSTED_UPSTREAM_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter(Boolean);
  return hosts.length > 0 ? hosts.join(", ") : "none";
}
