import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEvent } from "aws-lambda";

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
): APIGatewayProxyEvent {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    const name = req.rawHeaders[index] ?? "";
    const value = req.rawHeaders[index + 1] ?? "";
    headers[name] = value;
    const values = multiValueHeaders[name] ?? [];
    values.push(value);
    multiValueHeaders[name] = values;
  }

  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    const values = multiValueQuery[name] ?? [];
    values.push(value);
    multiValueQuery[name] = values;
  }
  const hasQuery = url.searchParams.size > 0;
  const now = Date.now();

  return {
    resource: route.resource,
    path: url.pathname,
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
      path: url.pathname,
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
