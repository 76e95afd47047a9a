import { z } from "zod";
import { bearerToken, tokensEqual } from "../core/bearer-token.ts";
import { GatewayError, toGatewayError } from "../core/gateway-error.ts";
import type { StructuredLogger } from "../core/structured-logger.ts";
import type { GatewayStore } from "../store/gateway-store.ts";
import type { BodyKind, LogStore } from "../store/log-store.ts";
import { envelope, envelopeError } from "./envelope.ts";

export interface ManagementDependencies {
  accountId: string;
  gateways: GatewayStore;
  logs: LogStore;
  adminToken: () => Promise<string>;
  logger: StructuredLogger;
}

/** Cloudflare answers a missing or wrong API token with code 10000. */
const AUTHENTICATION_ERROR = 10000;

const listQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    per_page: z.coerce.number().int().min(1).max(50).default(20),
    order_by_direction: z.enum(["asc", "desc"]).default("desc"),
  })
  .strict();

const ROUTE =
  /^\/client\/v4\/accounts\/([^/]+)\/ai-gateway\/gateways\/([^/]+)\/logs(?:\/([^/]+)(?:\/(request|response))?)?\/?$/;

/**
 * The management API under `/client/v4/accounts/{account_id}/ai-gateway/`, in Cloudflare's envelope.
 * This first slice serves the logs read routes; the management issue adds gateways, tokens and keys.
 */
export async function handleManagementRequest(
  request: Request,
  deps: ManagementDependencies,
): Promise<Response> {
  try {
    await authenticate(request.headers, deps);
    const url = new URL(request.url);
    const match = ROUTE.exec(url.pathname);
    if (!match) throw GatewayError.notFound(`No route for ${request.method} ${url.pathname}`);
    if (request.method !== "GET") {
      throw new GatewayError({
        status: 405,
        code: 7003,
        message: `Method ${request.method} is not allowed here`,
      });
    }
    const [, accountId = "", gatewayId = "", logId, bodyKind] = match.map((part) =>
      part ? decodeURIComponent(part) : part,
    );
    if (accountId !== deps.accountId)
      throw GatewayError.notFound(`Unknown account "${accountId.slice(0, 80)}"`);
    if (!(await deps.gateways.get(accountId, gatewayId)))
      throw GatewayError.notFound(`Unknown gateway "${gatewayId.slice(0, 80)}"`);

    if (!logId) return await listLogs(url, accountId, gatewayId, deps);
    if (bodyKind) return await getBody(accountId, gatewayId, logId, bodyKind as BodyKind, deps);
    const record = await deps.logs.get(accountId, gatewayId, logId);
    if (!record) throw GatewayError.notFound(`Unknown log "${logId.slice(0, 80)}"`);
    return envelope(record);
  } catch (caught) {
    const error = toGatewayError(caught);
    if (error.status >= 500) deps.logger.error("management request failed", { error: error.message });
    return envelopeError(error);
  }
}

async function authenticate(headers: Headers, deps: ManagementDependencies): Promise<void> {
  const presented = bearerToken(headers.get("authorization"));
  if (!presented || !tokensEqual(presented, await deps.adminToken())) {
    throw new GatewayError({ status: 401, code: AUTHENTICATION_ERROR, message: "Authentication error" });
  }
}

async function listLogs(url: URL, accountId: string, gatewayId: string, deps: ManagementDependencies) {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) {
    throw GatewayError.badRequest(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join("; "),
    );
  }
  const { page, per_page, order_by_direction } = parsed.data;
  const { records, totalCount } = await deps.logs.list(accountId, gatewayId, {
    page,
    perPage: per_page,
    direction: order_by_direction,
  });
  return envelope(records, { page, per_page, count: records.length, total_count: totalCount });
}

async function getBody(
  accountId: string,
  gatewayId: string,
  logId: string,
  kind: BodyKind,
  deps: ManagementDependencies,
) {
  const body = await deps.logs.getBody(accountId, gatewayId, logId, kind);
  if (body === undefined) throw GatewayError.notFound(`Unknown log "${logId.slice(0, 80)}"`);
  return envelope(parseIfJson(body));
}

/** A JSON body is returned as JSON, anything else (an SSE stream, text) as the text it was. */
function parseIfJson(body: string | null): unknown {
  if (body === null) return null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
