import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";

/** The request target: its path as sent, and its query parameters when there are any. */
export interface RequestTarget {
  path: string;
  query: URLSearchParams | null;
}

/** Query strings whose parameters read the same from the raw text as from the parsed URL's. */
const PLAIN_QUERY = /^[\w\-.~!$&'()*+,;=:@/?%]*$/;
/** The scheme and authority of an absolute-form target (`GET http://host/path`, as sent to a proxy). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The target's path as sent, and its query parameters as the URL parser reads them. The path is not
 * resolved: `..`, `%2e%2e` and escapes stay as they came, so the handlers' own refusal of dot segments
 * (shared/core/dot-segments.ts) is what runs here too, whatever API Gateway does with them on AWS. Only a
 * fragment (never sent by HTTP clients) is dropped, and an absolute-form target keeps its path.
 */
export function parseRequestTarget(target: string): RequestTarget {
  const hash = target.indexOf("#");
  const sent = hash < 0 ? target : target.slice(0, hash);
  const mark = sent.indexOf("?");
  const beforeQuery = mark < 0 ? sent : sent.slice(0, mark);
  const search = mark < 0 ? "" : sent.slice(mark + 1);
  const authority = ABSOLUTE_FORM.exec(beforeQuery);
  const path = authority ? beforeQuery.slice(authority[0].length) || "/" : beforeQuery;
  if (search === "") return { path, query: null };
  // The usual query needs no URL: per request on the local front, building one costs more than the event.
  if (PLAIN_QUERY.test(search)) return { path, query: new URLSearchParams(search) };
  return { path, query: new URL(`?${search}`, "http://127.0.0.1").searchParams };
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
