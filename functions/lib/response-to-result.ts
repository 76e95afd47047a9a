import type { APIGatewayProxyResult } from "aws-lambda";

/** A web Response as an API Gateway REST proxy result (buffered: management responses are small). */
export async function responseToResult(response: Response): Promise<APIGatewayProxyResult> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  const body = Buffer.from(await response.arrayBuffer());
  return { statusCode: response.status, headers, body: body.toString("base64"), isBase64Encoded: true };
}
