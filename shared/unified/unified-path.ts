import { GatewayError } from "../core/gateway-error.ts";
import { DEFAULT_GATEWAY_ID, GATEWAY_ID_PATTERN } from "../schemas/gateway.ts";

export type UnifiedFormat = "openai" | "anthropic";

/** What the caller asks for: a chat turn (Chat Completions or Messages), a Responses call, embeddings. */
export type UnifiedOperation = "chat" | "responses" | "embeddings";

/** A request for one of the unified surfaces: which account, gateway and caller format. */
export interface UnifiedPath {
  surface: "compat" | "rest";
  accountId: string;
  gatewayId: string;
  format: UnifiedFormat;
  operation: UnifiedOperation;
}

const COMPAT = /^\/v1\/([^/]+)\/([^/]+)\/compat\/(chat\/completions|responses|embeddings)\/?$/;
// The Anthropic SDK appends /v1/messages to its baseURL: `.../ai` gives /ai/v1/messages, and `.../ai/v1`
// (as Cloudflare writes it) gives /ai/v1/v1/messages; both are served.
const REST =
  /^\/client\/v4\/accounts\/([^/]+)\/ai\/v1\/(chat\/completions|(?:v1\/)?messages|responses|embeddings)\/?$/;
const COMPAT_PREFIX = /^\/v1\/[^/]+\/[^/]+\/compat(\/|$)/;
const REST_PREFIX = /^\/client\/v4\/accounts\/[^/]+\/ai\/v1(\/|$)/;

/** True for a path of the unified API (also its unknown operations, so they get the right 404). */
export function isUnifiedPath(pathname: string): boolean {
  return COMPAT_PREFIX.test(pathname) || REST_PREFIX.test(pathname);
}

/** The caller's format when the path cannot be parsed further (for the error shape). */
export function unifiedFormatOf(pathname: string): UnifiedFormat {
  return pathname.endsWith("/messages") ? "anthropic" : "openai";
}

export function parseUnifiedPath(pathname: string, headers: Headers): UnifiedPath {
  const compat = COMPAT.exec(pathname);
  if (compat) {
    const gatewayId = decode(compat[2] ?? "");
    checkGatewayId(gatewayId);
    return {
      surface: "compat",
      accountId: decode(compat[1] ?? ""),
      gatewayId,
      format: "openai",
      operation: operationOf(compat[3] ?? ""),
    };
  }
  const rest = REST.exec(pathname);
  if (rest) {
    const gatewayId = headers.get("cf-aig-gateway-id")?.trim() || DEFAULT_GATEWAY_ID;
    checkGatewayId(gatewayId);
    return {
      surface: "rest",
      accountId: decode(rest[1] ?? ""),
      gatewayId,
      format: rest[2]?.endsWith("messages") ? "anthropic" : "openai",
      operation: operationOf(rest[2] ?? ""),
    };
  }
  throw GatewayError.notFound(
    `No route for ${pathname.slice(0, 200)}: the unified API serves .../compat/{chat/completions,responses,embeddings} and /ai/v1/{chat/completions,messages,responses,embeddings}`,
  );
}

function operationOf(path: string): UnifiedOperation {
  if (path === "responses" || path === "embeddings") return path;
  return "chat";
}

function checkGatewayId(gatewayId: string): void {
  if (!GATEWAY_ID_PATTERN.test(gatewayId)) {
    throw GatewayError.badRequest(
      `Invalid gateway id "${gatewayId.slice(0, 80)}": use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
