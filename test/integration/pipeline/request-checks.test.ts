import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../shared/core/clock.ts";
import { GatewayError } from "../../../shared/core/gateway-error.ts";
import { GatewayResolver } from "../../../shared/core/gateway-resolver.ts";
import { handleProviderRequest } from "../../../shared/core/handle-provider-request.ts";
import type { ProxyDependencies } from "../../../shared/core/proxy-dependencies.ts";
import { RunTokenVerifier } from "../../../shared/core/run-token-verifier.ts";
import { TtlCache } from "../../../shared/core/ttl-cache.ts";
import { UpstreamGuard } from "../../../shared/http/upstream-guard.ts";
import type { CheckedRequest, RequestCheck } from "../../../shared/pipeline/checks-stage.ts";
import { GoogleTokenMinter } from "../../../shared/providers/google-service-account.ts";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { TokenStore } from "../../../shared/store/token-store.ts";
import { handleUnifiedRequest } from "../../../shared/unified/handle-unified-request.ts";
import { type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

const ACCOUNT = "acct";

/** A test-only check standing in for a guardrail: it refuses every request and remembers what it saw. */
function refusingCheck(seen: CheckedRequest[]): RequestCheck {
  return {
    name: "refuse-everything",
    async check(request) {
      seen.push(request);
      throw GatewayError.badRequest("Refused by the test check");
    },
  };
}

describe("the checks slot of the pipeline (shared/pipeline/checks-stage.ts)", () => {
  let dynamo: RunningDynamo;
  let deps: ProxyDependencies;
  const seen: CheckedRequest[] = [];
  const rows: LogEvent[] = [];
  const queued: LogEvent[] = [];
  const execution = {
    pending: [] as Promise<unknown>[],
    waitUntil(promise: Promise<unknown>) {
      this.pending.push(promise);
    },
    remainingTimeMs: () => 60_000,
  };

  beforeAll(async () => {
    dynamo = await startDynamo("dynalite");
    const configTable = await dynamo.createTable("config");
    const gateways = new GatewayStore(dynamo.documentClient, configTable);
    await gateways.create(ACCOUNT, {
      ...defaultGateway("checked", new Date()),
      authentication: false,
      collect_logs: true,
    });
    deps = {
      accountId: ACCOUNT,
      gateways: new GatewayResolver(gateways, 1_000, systemClock),
      adminToken: async () => "admin-token-for-the-checks-test-0000",
      runTokens: new RunTokenVerifier(new TokenStore(dynamo.documentClient, configTable), 1_000, systemClock),
      providerKeys: null,
      // Never asked: the check refuses before the credentials are applied.
      awsCredentials: () => Promise.reject(new Error("no AWS credentials expected")),
      googleTokens: new GoogleTokenMinter({
        tokenUrl: "http://127.0.0.1:9/token",
        fetch: () => Promise.reject(new Error("no token expected")),
        now: () => Date.now(),
        checkUrl: async () => {},
      }),
      upstreamOverrides: {},
      customProviders: null,
      customProviderCache: new TtlCache(1_000),
      upstreamGuard: new UpstreamGuard([]),
      // Nothing reaches a provider: the check refuses first. A call would fail the test.
      fetch: () => Promise.reject(new Error("no provider call expected")),
      logSink: { send: async (event) => void queued.push(event) },
      observer: {
        upstreamStarted: () => {
          throw new Error("no upstream span expected");
        },
        requestCompleted: (event) => void rows.push(event),
      },
      clock: systemClock,
      logger: recordingLogger(),
      upstreamTimeoutMs: 10_000,
      maxRequestBodyBytes: 1_000_000,
      checks: { requests: [refusingCheck(seen)], responses: [] },
    };
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });

  it("refuses a provider-native request in the provider's dialect and logs its row as failed", async () => {
    const response = await handleProviderRequest(
      new Request(`http://gateway.test/v1/${ACCOUNT}/checked/anthropic/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
      deps,
      execution,
    );
    await Promise.all(execution.pending.splice(0));

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { type: string; error: { message: string } };
    expect(answer.type).toBe("error");
    expect(answer.error.message).toContain("Refused by the test check");
    expect(seen.at(-1)?.record.providerSlug).toBe("anthropic");
    const row = queued.at(-1);
    expect(row?.id).toBe(response.headers.get("cf-aig-log-id"));
    expect(row?.success).toBe(false);
    expect(row?.status_code).toBe(400);
    expect(rows.at(-1)?.id).toBe(row?.id);
  });

  it("refuses a unified request in the caller's dialect and logs its row as failed", async () => {
    const response = await handleUnifiedRequest(
      new Request(`http://gateway.test/v1/${ACCOUNT}/checked/compat/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      }),
      deps,
      execution,
    );
    await Promise.all(execution.pending.splice(0));

    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { message: string } };
    expect(answer.error.message).toContain("Refused by the test check");
    const row = queued.at(-1);
    expect(row?.id).toBe(response.headers.get("cf-aig-log-id"));
    expect(row?.success).toBe(false);
    expect(row?.status_code).toBe(400);
  });
});
