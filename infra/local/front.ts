import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { LogEvent } from "../../shared/schemas/log-event.ts";
import { type AccessRecord, accessRecord, collectLogEvents } from "./access-record.ts";
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
export interface FrontOptions {
  port: number;
  accountId: string;
  /**
   * Told about every request once its response is over and its log event queued (so never before the
   * client has its last byte): `npm start`'s access log. Without it the front collects nothing.
   */
  onAccess?: (record: AccessRecord) => void;
}

export async function startFront(options: FrontOptions): Promise<Front> {
  installLambdaGlobals();
  const proxy = (await import("../../functions/proxy/handler.ts")).handler as unknown as StreamingHandler;
  const api = (await import("../../functions/api/handler.ts")).handler as unknown as BufferedHandler;
  const { accountId, onAccess } = options;

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
      const invocation = serve(req, res, { proxy, api, accountId, onAccess }).catch((error) => {
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
  handlers: {
    proxy: StreamingHandler;
    api: BufferedHandler;
    accountId: string;
    onAccess: ((record: AccessRecord) => void) | undefined;
  },
): Promise<void> {
  const { onAccess } = handlers;
  if (!onAccess) {
    await invoke(req, res, handlers);
    return;
  }
  const arrivedAt = Date.now();
  const startedAt = performance.now();
  let finishedAt: number | null = null;
  const finished = () => {
    finishedAt ??= performance.now();
  };
  res.once("finish", finished);
  res.once("close", finished);
  const outcome = await invoke(req, res, handlers, true);
  const target = parseRequestTarget(req.url ?? "/");
  reportAccess(
    onAccess,
    accessRecord(
      {
        arrivedAt,
        startedAt,
        finishedAt: finishedAt ?? performance.now(),
        method: req.method ?? "GET",
        path: target.path,
        target: outcome.target,
        status: res.statusCode,
        cacheStatus: headerText(outcome.headers?.["cf-aig-cache-status"]),
      },
      outcome.events,
    ),
  );
}

interface InvocationOutcome {
  target: "proxy" | "api" | null;
  /** The response's headers as the handler gave them. */
  headers: Readonly<Record<string, unknown>> | null;
  events: LogEvent[];
}

async function invoke(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: { proxy: StreamingHandler; api: BufferedHandler; accountId: string },
  collect = false,
): Promise<InvocationOutcome> {
  const target = parseRequestTarget(req.url ?? "/");
  const route = matchRoute(target.path);
  if (!route) {
    // What API Gateway answers for a path no resource matches.
    req.resume();
    sendJson(res, 403, { message: "Missing Authentication Token" });
    return { target: null, headers: null, events: [] };
  }
  const body = await readBody(req);
  if (!body) {
    sendJson(res, 413, { message: "Request Entity Too Large" });
    return { target: route.target, headers: null, events: [] };
  }
  const event = buildApiGatewayEvent(req, body, route, handlers.accountId, target);
  if (route.target === "proxy") {
    const stream = new LocalResponseStream(res);
    const run = async () => {
      await handlers.proxy(event, stream, lambdaContext("proxy"));
      if (!stream.writableEnded && !stream.destroyed) stream.end();
    };
    if (!collect) {
      await run();
      return { target: "proxy", headers: stream.sentHeaders, events: [] };
    }
    const events = await collectLogEvents(run);
    return { target: "proxy", headers: stream.sentHeaders, events };
  }
  const result = await handlers.api(event, lambdaContext("api", 29_000));
  res.writeHead(result.statusCode, (result.headers ?? {}) as Record<string, string>);
  res.end(Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8"));
  return { target: "api", headers: result.headers ?? null, events: [] };
}

/** The access log is for a person watching: a failure to print it must not touch the request. */
function reportAccess(onAccess: (record: AccessRecord) => void, record: AccessRecord): void {
  try {
    onAccess(record);
  } catch (error) {
    console.error("access log failed:", error);
  }
}

function headerText(value: unknown): string | null {
  if (typeof value === "string") return value;
  return Array.isArray(value) && typeof value[0] === "string" ? value[0] : null;
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
