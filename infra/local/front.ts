import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { buildApiGatewayEvent, parseRequestTarget } from "./api-gateway-event.ts";
import { answerClientError, requestTimeoutMs } from "./client-error.ts";
import { refuseConnect } from "./connect-refusal.ts";
import { installLambdaGlobals } from "./lambda-globals.ts";
import { LocalResponseStream } from "./local-response-stream.ts";
import { lambdaContext } from "./queue-poller.ts";
import { readBody } from "./request-body.ts";
import { matchRoute } from "./routes.ts";

/** How long stop() waits for running invocations to finish queueing their log events. */
const INVOCATION_DRAIN_MS = 5_000;

/** The HTTP front and the handlers behind it, in one process. */
export interface Front {
  url: string;
  /** Closes the front, then waits (bounded) for the invocations still queueing their log events. */
  stop(): Promise<void>;
}

type StreamingHandler = (
  event: APIGatewayProxyEvent,
  stream: LocalResponseStream,
  context: Context,
) => Promise<void>;
type BufferedHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * What API Gateway and the proxy and api Lambdas do on AWS, in this process: an HTTP server on 127.0.0.1
 * that builds API Gateway's events and invokes the handlers. The handlers read their configuration from the
 * environment at import, which the caller has set.
 */
export async function startFront(options: { port: number; accountId: string }): Promise<Front> {
  installLambdaGlobals();
  const proxy = (await import("../../functions/proxy/handler.ts")).handler as unknown as StreamingHandler;
  const api = (await import("../../functions/api/handler.ts")).handler as unknown as BufferedHandler;
  const { accountId } = options;

  // Invocations still running (a proxy invocation lasts until its log event is queued, after the response).
  const invocations = new Set<Promise<void>>();
  const timeoutMs = requestTimeoutMs();
  const server = createServer(
    {
      // A request must arrive in full (headers, then body) within the timeout, else 408 (client-error.ts).
      requestTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      // How often Node looks for requests past those timeouts: its 30 s default is coarser than a short one.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(timeoutMs / 4))),
    },
    (req, res) => {
      const invocation = serve(req, res, { proxy, api, accountId }).catch((error) => {
        // A request that stopped arriving has been answered (408) and closed already.
        if (req.socket.destroyed) return;
        console.error("local front failed:", error);
        if (!res.headersSent) sendJson(res, 502, { message: "Internal server error" });
        else res.destroy();
      });
      invocations.add(invocation);
      void invocation.finally(() => invocations.delete(invocation));
    },
  );
  // Requests Node cannot parse, or that stop arriving, get API Gateway's JSON error rather than a bare status.
  server.on("clientError", answerClientError);
  server.on("connect", refuseConnect);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      // Bounded: a stream still running is cut by closeServer and ends quickly.
      await closeServer(server);
      await Promise.race([
        Promise.allSettled(invocations),
        sleep(INVOCATION_DRAIN_MS, undefined, { ref: false }),
      ]);
    },
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: { proxy: StreamingHandler; api: BufferedHandler; accountId: string },
): Promise<void> {
  const target = parseRequestTarget(req.url ?? "/");
  const route = matchRoute(target.path);
  if (!route) {
    // What API Gateway answers for a path no resource matches.
    req.resume();
    sendJson(res, 403, { message: "Missing Authentication Token" });
    return;
  }
  const body = await readBody(req);
  if (!body) {
    sendJson(res, 413, { message: "Request Entity Too Large" });
    return;
  }
  const event = buildApiGatewayEvent(req, body, route, handlers.accountId, target);
  if (route.target === "proxy") {
    const stream = new LocalResponseStream(res);
    await handlers.proxy(event, stream, lambdaContext("proxy"));
    if (!stream.writableEnded && !stream.destroyed) stream.end();
    return;
  }
  const result = await handlers.api(event, lambdaContext("api", 29_000));
  res.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
  res.end(Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
