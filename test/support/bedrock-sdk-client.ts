import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * The real AWS SDK's Bedrock runtime client pointed at a gateway's `aws-bedrock` route (`endpoint`: the
 * route's `.../bedrock-runtime/{region}`), signing with a key the mock does not know, so the mock lets the
 * client-side signature through unverified, as for any client-signed passthrough call. `headers` go on
 * every request (the mock's `x-mock-*` controls); `seen` collects each response's headers (the log id).
 */
export function bedrockSdkClient(endpoint: string, headers: Record<string, string> = {}) {
  const client = new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDCLIENTSIGNED0001", secretAccessKey: "client-side-secret" },
    maxAttempts: 1,
    // The client's default for streams is HTTP/2; the local runtime, like API Gateway's REST API, is HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
  const seen: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
      const result = await next(args);
      seen.push((result.response as { headers: Record<string, string> }).headers);
      return result;
    },
    { step: "build", name: "mockControls" },
  );
  return { client, seen };
}
