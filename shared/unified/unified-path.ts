import { GatewayError } from "../core/gateway-error.ts";
import type { ErrorDialect } from "../http/error-response.ts";
import { DEFAULT_GATEWAY_ID, GATEWAY_ID_PATTERN } from "../schemas/gateway.ts";

export type UnifiedFormat = "openai" | "anthropic" | "workers-ai";

/**
 * What the caller asks for: a chat turn (Chat Completions or Messages), a Responses call, embeddings, or a
 * Workers AI run (`/ai/run`, `/workers-ai/@cf/...`: Workers AI's input, a chat turn once translated).
 */
export type UnifiedOperation = "chat" | "responses" | "embeddings" | "run";

/** A request for one of the unified surfaces: which account, gateway and caller format. */
export interface UnifiedPath {
  surface: "compat" | "rest";
  accountId: string;
  gatewayId: string;
  format: UnifiedFormat;
  operation: UnifiedOperation;
  /** A Workers AI run's model when the path names it (`/ai/run/@cf/...`, `/workers-ai/@cf/...`). */
  pathModel?: string;
}

const COMPAT = /^\/v1\/([^/]+)\/([^/]+)\/compat\/(chat\/completions|responses|embeddings)\/?$/;
// The Anthropic SDK appends /v1/messages to its baseURL: `.../ai` gives /ai/v1/messages, and `.../ai/v1`
// (as Cloudflare writes it) gives /ai/v1/v1/messages; both are served.
const REST =
  /^\/client\/v4\/accounts\/([^/]+)\/ai\/v1\/(chat\/completions|(?:v1\/)?messages|responses|embeddings)\/?$/;
// Workers AI (reference 1.3 and section 2): `/ai/run` with the model in the body, `/ai/run/{model}`, and the
// provider-native `/workers-ai/{model}`, whose OpenAI-compatible `/workers-ai/v1/...` is the compat surface.
const REST_RUN = /^\/client\/v4\/accounts\/([^/]+)\/ai\/run(?:\/(.+?))?\/?$/;
const WORKERS_AI = /^\/v1\/([^/]+)\/([^/]+)\/workers-ai\/(.+)$/;
const WORKERS_AI_OPENAI = /^v1\/(chat\/completions|responses|embeddings)\/?$/;
const COMPAT_PREFIX = /^\/v1\/[^/]+\/[^/]+\/(compat|workers-ai)(\/|$)/;
const REST_PREFIX = /^\/client\/v4\/accounts\/[^/]+\/ai\/(v1|run)(\/|$)/;
const RUN_PREFIX = /^\/client\/v4\/accounts\/[^/]+\/ai\/run(\/|$)|^\/v1\/[^/]+\/[^/]+\/workers-ai\/(?!v1\/)/;

/** True for a path of the unified API (also its unknown operations, so they get the right 404). */
export function isUnifiedPath(pathname: string): boolean {
  return COMPAT_PREFIX.test(pathname) || REST_PREFIX.test(pathname);
}

/** The caller's format when the path cannot be parsed further (for the error shape). */
export function unifiedFormatOf(pathname: string): UnifiedFormat {
  if (RUN_PREFIX.test(pathname)) return "workers-ai";
  return pathname.endsWith("/messages") ? "anthropic" : "openai";
}

/** The error shape of a unified path: OpenAI's, Anthropic's, or Cloudflare's v4 envelope for Workers AI. */
export function unifiedDialectOf(pathname: string): ErrorDialect {
  const format = unifiedFormatOf(pathname);
  return format === "workers-ai" ? "cloudflare" : format;
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
  const run = REST_RUN.exec(pathname);
  if (run) {
    const gatewayId = headers.get("cf-aig-gateway-id")?.trim() || DEFAULT_GATEWAY_ID;
    checkGatewayId(gatewayId);
    return {
      surface: "rest",
      accountId: decode(run[1] ?? ""),
      gatewayId,
      format: "workers-ai",
      operation: "run",
      ...(run[2] ? { pathModel: decode(run[2]) } : {}),
    };
  }
  const workersAi = WORKERS_AI.exec(pathname);
  if (workersAi) {
    const gatewayId = decode(workersAi[2] ?? "");
    checkGatewayId(gatewayId);
    const rest = workersAi[3] ?? "";
    const openai = WORKERS_AI_OPENAI.exec(rest);
    if (!openai && !/^@(cf|hf)\//.test(decode(rest))) {
      throw GatewayError.notFound(
        `No route for ${pathname.slice(0, 200)}: workers-ai serves .../workers-ai/@cf/{vendor}/{model} and .../workers-ai/v1/{chat/completions,responses,embeddings}`,
      );
    }
    return {
      surface: "compat",
      accountId: decode(workersAi[1] ?? ""),
      gatewayId,
      ...(openai
        ? { format: "openai" as const, operation: operationOf(openai[1] ?? "") }
        : { format: "workers-ai" as const, operation: "run" as const, pathModel: decode(rest) }),
    };
  }
  throw GatewayError.notFound(
    `No route for ${pathname.slice(0, 200)}: the unified API serves .../compat/{chat/completions,responses,embeddings,models}, /ai/v1/{chat/completions,messages,responses,embeddings,models}, /ai/run[/{model}] and .../workers-ai/{model}`,
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
