import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** The request target as the URL parser reads it: the path, and the query parameters when there are any. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams | null;
}

/** Origin-form paths the URL parser leaves as they are: plain characters, no dot segment, no `%` (`%2e` is a dot). */
const PLAIN_PATH = /^\/(?!\/)[\w\-.~!$&'()*+,;=:@/]*$/;
/** Query strings whose parameters read the same from the raw text as from the parsed URL's. */
const PLAIN_QUERY = /^[\w\-.~!$&'()*+,;=:@/?%]*$/;

/**
 * `new URL(target, "http://127.0.0.1")`'s pathname and searchParams, without building a URL for the
 * usual target (a plain path, perhaps a plain query): per request on the local front that costs more than
 * the rest of the event. Anything the URL parser could rewrite (dot segments, escapes, characters it
 * encodes, `//`, an absolute-form target) still goes through it.
 */
export function parseRequestTarget(target: string): RequestTarget {
  const mark = target.indexOf("?");
  const path = mark < 0 ? target : target.slice(0, mark);
  const search = mark < 0 ? "" : target.slice(mark + 1);
  if (PLAIN_PATH.test(path) && !path.includes("/.") && PLAIN_QUERY.test(search)) {
    return { path, query: search === "" ? null : new URLSearchParams(search) };
  }
  const url = new URL(target, "http://127.0.0.1");
  return { path: url.pathname, query: url.searchParams };
}

/**
 * The API Gateway REST proxy event (payload format 1.0) that API Gateway would build for this request,
 * with the stack's settings: binaryMediaTypes `*\/*`, so the body is always base64 (as on AWS), and no
 * stage prefix in `path` (API Gateway strips the stage from `path`; it keeps it in requestContext.path).
 */
export function buildApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  route: { resource: string; pathParameters: Record<string, string> },
  accountId: string,
  /** The target as serve() already parsed it; parsed here when not given. */
  target: RequestTarget = parseRequestTarget(req.url ?? "/"),
): APIGatewayProxyEvent {
  const { path } = target;
  const headers = namedValues<string>();
  const multiValueHeaders = namedValues<string[]>();
  const raw = req.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] ?? "";
    const value = raw[index + 1] ?? "";
    headers[name] = value;
    const values = multiValueHeaders[name];
    if (values) values.push(value);
    else multiValueHeaders[name] = [value];
  }

  const hasQuery = target.query !== null && target.query.size > 0;
  const query = namedValues<string>();
  const multiValueQuery = namedValues<string[]>();
  if (hasQuery) {
    for (const [name, value] of target.query as URLSearchParams) {
      query[name] = value;
      const values = multiValueQuery[name];
      if (values) values.push(value);
      else multiValueQuery[name] = [value];
    }
  }
  const now = Date.now();

  return {
    resource: route.resource,
    path,
    httpMethod: req.method ?? "GET",
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: route.pathParameters,
    stageVariables: null,
    body: body.byteLength > 0 ? body.toString("base64") : null,
    isBase64Encoded: body.byteLength > 0,
    requestContext: {
      accountId,
      apiId: "local",
      stage: "local",
      requestId: randomUUID(),
      extendedRequestId: randomUUID(),
      httpMethod: req.method ?? "GET",
      path,
      protocol: `HTTP/${req.httpVersion}`,
      resourceId: "local",
      resourcePath: route.resource,
      requestTimeEpoch: now,
      authorizer: null,
      identity: {
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: req.headers["user-agent"] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

/**
 * A map from names the client chose to values, with no prototype: `valueOf` or `__proto__` in a query or a
 * header is a name like any other, as it is in the JSON event API Gateway sends.
 */
function namedValues<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
