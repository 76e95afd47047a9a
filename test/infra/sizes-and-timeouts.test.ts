import { describe, expect, it } from "vitest";
import { API_GATEWAY_STREAM_IDLE_TIMEOUT } from "../../infra/aws/constructs/gateway-rest-api.ts";
import { parseProxyEnv } from "../../shared/config/env.ts";
import { synthGateway } from "./synth-gateway.ts";

/** Lambda's invoke payload limit (6 MB), as the Invoke API states it: "Request must be smaller than 6291556 bytes". */
const LAMBDA_INVOKE_PAYLOAD_BYTES = 6_291_556;
/**
 * The most an API Gateway REST event adds around the body: the request line and headers (10 KB at most on a
 * REST API), twice (`headers` and `multiValueHeaders`), the query string likewise, and the request context.
 */
const EVENT_OVERHEAD_BYTES = 4 * 10_240 + 8_192;

describe("sizes and timeouts on AWS", () => {
  const { stack, properties } = synthGateway();
  const variables = (
    properties(stack.gateway.proxyFunction).Environment as { Variables: Record<string, string> }
  ).Variables;
  const proxyEnv = parseProxyEnv({
    ACCOUNT_ID: "acct",
    CONFIG_TABLE_NAME: "config",
    STATE_TABLE_NAME: "state",
    LOG_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/logs",
    ...Object.fromEntries(Object.entries(variables).filter(([, value]) => typeof value === "string")),
  });

  it("gives up on a silent provider before API Gateway's idle timeout of a stream, so the client gets the gateway's 504", () => {
    const idleMs = API_GATEWAY_STREAM_IDLE_TIMEOUT.toMilliseconds();
    expect(idleMs).toBe(300_000);
    expect(proxyEnv.UPSTREAM_TIMEOUT_MS).toBeLessThan(idleMs);
    expect(proxyEnv.FIRST_BYTE_DEADLINE_MS).toBeLessThan(idleMs);
    // The deadline leaves the gateway time to answer its 504 and queue the log within the idle window.
    expect((proxyEnv.FIRST_BYTE_DEADLINE_MS ?? idleMs) + proxyEnv.DEADLINE_MARGIN_MS).toBeLessThan(idleMs);
  });

  it("refuses bodies itself (413 in the route's dialect) before they are too large for Lambda's invoke payload", () => {
    // API Gateway hands every body to the proxy base64-encoded (binaryMediaTypes */*): 4 bytes for every 3.
    const largestEvent = Math.ceil(proxyEnv.MAX_REQUEST_BODY_BYTES / 3) * 4 + EVENT_OVERHEAD_BYTES;
    expect(largestEvent).toBeLessThan(LAMBDA_INVOKE_PAYLOAD_BYTES);
  });
});
