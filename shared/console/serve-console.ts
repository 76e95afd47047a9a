import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";
import { errorResponse } from "../http/error-response.ts";
import type { ConsoleAssets } from "./console-assets.ts";

/**
 * The console's own paths: the page at the root and its hashed files under /console/. Neither can
 * collide with the API, which lives under /v1/ and /client/v4/.
 */
export function isConsolePath(pathname: string): boolean {
  return pathname === "/" || pathname.startsWith("/console/");
}

/**
 * Sent with every console response. The page loads its one script and one style sheet from its own
 * origin and talks only to its own origin (the management API): no inline script, no eval, no frames,
 * no third-party host. `img-src data:` is for the custom providers' generated logos (data URIs).
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/**
 * The page's URLs are relative to its own directory, so it must be opened at `/prod/`, not `/prod`: at
 * `/prod` the browser would look for `/console/...` outside the stage. API Gateway hands both to the root
 * resource (event.path "/"); only requestContext.path, the path as requested, tells them apart. Returns
 * the redirect for the slash-less form, or undefined.
 */
export function trailingSlashRedirect(requestedPath: string | undefined): Response | undefined {
  if (!requestedPath || requestedPath.endsWith("/")) return undefined;
  return new Response(null, {
    status: 301,
    headers: { ...CONSOLE_SECURITY_HEADERS, location: `${requestedPath}/`, "cache-control": "no-cache" },
  });
}

/** Hashed file names change with their content: a browser may keep them for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export interface ConsoleHandlerOptions {
  /** The account the console manages, written into the page (it is part of every API path anyway). */
  accountId: string;
  assets: () => Promise<ConsoleAssets>;
}

/** Serves GET (and HEAD) of the console's paths; see isConsolePath. */
export function createConsoleHandler(
  options: ConsoleHandlerOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return refuse(
        new GatewayError({
          status: 405,
          code: ERROR_CODES.invalidInput,
          message: `Method ${request.method.slice(0, 16)} is not allowed here; allowed: GET, HEAD`,
          headers: { allow: "GET, HEAD" },
        }),
      );
    }
    const assets = await options.assets();
    const { pathname } = new URL(request.url);
    const head = request.method === "HEAD";
    if (pathname === "/") {
      const page = assets.index.replace("{{account}}", escapeHtml(options.accountId));
      // no-cache: the page names the current hashed files, so a browser must revalidate it after a deploy.
      return reply(200, head ? null : page, "text/html; charset=utf-8", "no-cache");
    }
    const file = assets.files[pathname.slice("/console/".length)];
    if (!file) return refuse(GatewayError.notFound(`No console file ${pathname.slice(0, 200)}`));
    return reply(
      200,
      head ? null : new Uint8Array(Buffer.from(file.base64, "base64")),
      file.contentType,
      IMMUTABLE,
    );
  };
}

function reply(
  status: number,
  body: string | Uint8Array<ArrayBuffer> | null,
  contentType: string,
  cacheControl: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(body, {
    status,
    headers: {
      ...CONSOLE_SECURITY_HEADERS,
      "content-type": contentType,
      "cache-control": cacheControl,
      ...extra,
    },
  });
}

/** Errors in the management API's envelope, as every other 4xx of the gateway is JSON with a message. */
function refuse(error: GatewayError): Response {
  return errorResponse(error, "cloudflare", {
    ...CONSOLE_SECURITY_HEADERS,
    ...error.headers,
    "cache-control": "no-store",
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
