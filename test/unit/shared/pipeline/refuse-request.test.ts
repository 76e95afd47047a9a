import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import { refuseRequest } from "../../../../shared/pipeline/refuse-request.ts";
import { newRequestState } from "../../../../shared/pipeline/request-state.ts";
import { recordingLogger } from "../../../support/recording-logger.ts";

const idHeaders = { "cf-aig-log-id": "log-1", "cf-aig-request-id": "log-1", "cf-aig-event-id": "log-1" };

describe("refuseRequest (the way out of any stage)", () => {
  it("answers in the surface's dialect with the ids, and logs a refusal before any gateway to the structured log only", async () => {
    const logger = recordingLogger();
    const pending: Promise<unknown>[] = [];
    const response = refuseRequest(
      { logger, clock: { now: () => 0, monotonic: () => 0 } } as unknown as ProxyDependencies,
      { waitUntil: (work) => void pending.push(work) },
      newRequestState(),
      GatewayError.unauthorized(),
      {
        id: "log-1",
        pathname: "/v1/acct/gw/anthropic/v1/messages",
        dialect: "anthropic",
        idHeaders,
        namesModel: false,
      },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get("cf-aig-log-id")).toBe("log-1");
    expect(((await response.json()) as { type: string }).type).toBe("error");
    expect(pending).toEqual([]);
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ["warn", "request refused before a gateway was resolved"],
    ]);
  });

  it("logs a 5xx to the structured log as well", async () => {
    const logger = recordingLogger();
    refuseRequest(
      { logger, clock: { now: () => 0, monotonic: () => 0 } } as unknown as ProxyDependencies,
      { waitUntil: () => {} },
      newRequestState(),
      new Error("boom"),
      {
        id: "log-2",
        pathname: "/v1/acct/gw/compat/chat/completions",
        dialect: "openai",
        idHeaders,
        namesModel: true,
      },
    );
    expect(logger.lines.map((line) => line.message)).toContain("request failed");
  });
});
