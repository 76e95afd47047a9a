import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { ERROR_CODES, GatewayError } from "../../shared/core/gateway-error.ts";
import { ALLOWED_METHODS, proxyDialectOf, proxySurfaceOf } from "../../shared/core/proxy-surface.ts";
import { errorBody } from "../../shared/http/error-response.ts";
import { ManagementRouter } from "../../shared/management/router.ts";
import { MANAGEMENT_ROUTES } from "../../shared/management/routes.ts";

const router = new ManagementRouter(MANAGEMENT_ROUTES);
const MANAGEMENT_PREFIX = /^\/client\/v4\/accounts\/[^/]+\/(?:ai-gateway|dlp)(\/|$)/;

/**
 * Node's HTTP server hands CONNECT to a `connect` listener, not to the request handler, and without one it
 * drops the connection. The front answers it as the handlers answer TRACE: 405 with `Allow`, in the dialect
 * of the route the path names (on AWS, API Gateway answers CONNECT itself: no Lambda ever sees it).
 */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const management = MANAGEMENT_PREFIX.test(path);
  const match = management ? router.match("CONNECT", path) : null;
  const allow = management
    ? match?.kind === "wrong-method"
      ? match.allowed.join(", ")
      : ""
    : ALLOWED_METHODS[proxySurfaceOf(path)];
  const error = new GatewayError({
    status: 405,
    code: ERROR_CODES.invalidInput,
    message: `Method CONNECT is not allowed here${allow ? `; allowed: ${allow}` : ""}`,
  });
  const body = JSON.stringify(errorBody(error, management ? "cloudflare" : proxyDialectOf(path)));
  socket.end(
    [
      "HTTP/1.1 405 Method Not Allowed",
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(body)}`,
      ...(allow ? [`allow: ${allow}`] : []),
      "connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}
