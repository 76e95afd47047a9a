import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import type { ProxyDependencies } from "../../../../shared/core/proxy-dependencies.ts";
import {
  admitRequest,
  arriveRequest,
  type SurfaceAdmission,
} from "../../../../shared/pipeline/admit-stage.ts";
import { newRequestState } from "../../../../shared/pipeline/request-state.ts";
import { defaultGateway } from "../../../../shared/schemas/gateway.ts";

const gateway = defaultGateway("gw", new Date("2026-12-01T00:00:00Z"));
const deps = {
  clock: { now: () => Date.parse("2026-12-06T05:00:00Z"), monotonic: () => 42 },
  maxRequestBodyBytes: 1024,
} as unknown as ProxyDependencies;

interface TestPath {
  accountId: string;
  gatewayId: string;
}

/** A surface that records what admission asked of it, in order. */
function surface(asked: string[], overrides: Partial<SurfaceAdmission<TestPath, string>> = {}) {
  const admission: SurfaceAdmission<TestPath, string> = {
    parsePath: (pathname) => {
      asked.push("path");
      const [, , accountId = "", gatewayId = ""] = pathname.split("/");
      return { accountId, gatewayId };
    },
    dialect: () => {
      asked.push("dialect");
      return "anthropic";
    },
    gateway: async () => {
      asked.push("gateway");
      return gateway;
    },
    row: (path) => ({ gatewayId: path.gatewayId, providerSlug: "anthropic", restPath: "v1/messages" }),
    readBody: async (request) => {
      asked.push("body");
      const text = await request.text();
      return { bytes: new TextEncoder().encode(text), parsed: text };
    },
    ...overrides,
  };
  return admission;
}

function post(headers: Record<string, string> = {}, body = "{}") {
  return new Request("http://gateway.test/v1/acct/gw/anthropic/v1/messages", {
    method: "POST",
    headers,
    body,
  });
}

describe("arriveRequest", () => {
  it("gives the request one id under the three id headers, and the surface's dialect until the path is parsed", () => {
    const arrived = arriveRequest(post(), deps, { dialect: "openai", namesModel: false });
    expect(arrived.idHeaders).toEqual({
      "cf-aig-log-id": arrived.id,
      "cf-aig-request-id": arrived.id,
      "cf-aig-event-id": arrived.id,
    });
    expect(arrived).toMatchObject({ dialect: "openai", pathname: "/v1/acct/gw/anthropic/v1/messages" });
    expect(arrived.startedAt).toBe(42);
  });
});

describe("admitRequest (the admit stage)", () => {
  it("admits path, gateway, options and body in that order, and keeps the row in the request state", async () => {
    const asked: string[] = [];
    const state = newRequestState();
    const request = post({ "cf-aig-event-id": "caller-event", "cf-aig-skip-cache": "true" }, '{"a":1}');
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
    const admitted = await admitRequest(request, deps, state, arrived, surface(asked));
    expect(asked).toEqual(["path", "dialect", "gateway", "body"]);
    expect(arrived.dialect).toBe("anthropic");
    expect(arrived.idHeaders["cf-aig-event-id"]).toBe("caller-event");
    expect(admitted.record).toMatchObject({
      id: arrived.id,
      eventId: "caller-event",
      accountId: "acct",
      gatewayId: "gw",
      providerSlug: "anthropic",
      restPath: "v1/messages",
      method: "POST",
      startedAt: 42,
    });
    expect(new TextDecoder().decode(admitted.record.requestBody ?? new Uint8Array())).toBe('{"a":1}');
    expect(admitted.body).toBe('{"a":1}');
    expect(admitted.collect).toBe(gateway.collect_logs);
    expect(state.record).toBe(admitted.record);
    expect(state.gateway).toBe(gateway);
  });

  it("takes the log setting from cf-aig-collect-log over the gateway's", async () => {
    const request = post({ "cf-aig-collect-log": "false" });
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
    const admitted = await admitRequest(request, deps, newRequestState(), arrived, surface([]));
    expect(admitted.collect).toBe(false);
  });

  it("has no row to log when the gateway refuses the caller", async () => {
    const state = newRequestState();
    const request = post();
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
    const refusing = surface([], {
      gateway: () => Promise.reject(GatewayError.unauthorized()),
    });
    await expect(admitRequest(request, deps, state, arrived, refusing)).rejects.toMatchObject({
      status: 401,
    });
    expect(state.record).toBeUndefined();
    // The path was parsed, so the refusal is written in the surface's dialect for it.
    expect(arrived.dialect).toBe("anthropic");
  });

  it("refuses a bad option after the gateway, with the row kept for the failed log, before the body is read", async () => {
    const asked: string[] = [];
    const state = newRequestState();
    const request = post({ "cf-aig-custom-cost": "not json" });
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
    await expect(admitRequest(request, deps, state, arrived, surface(asked))).rejects.toMatchObject({
      status: 400,
    });
    expect(asked).not.toContain("body");
    expect(state.record?.id).toBe(arrived.id);
  });

  it("runs the surface's method rule after the options and before the body", async () => {
    const asked: string[] = [];
    const request = new Request("http://gateway.test/v1/acct/gw/compat/chat/completions", { method: "GET" });
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: true });
    const postOnly = surface(asked, {
      refuseMethod: (method) => {
        asked.push("method");
        if (method !== "POST") throw GatewayError.notFound("use POST");
      },
    });
    await expect(admitRequest(request, deps, newRequestState(), arrived, postOnly)).rejects.toMatchObject({
      status: 404,
    });
    expect(asked).toEqual(["path", "dialect", "gateway", "method"]);
  });

  it("plans the cache from the body's size, so a bad cache header is refused at admission", async () => {
    const request = post({ "cf-aig-cache-ttl": "minus one" });
    const arrived = arriveRequest(request, deps, { dialect: "openai", namesModel: false });
    await expect(admitRequest(request, deps, newRequestState(), arrived, surface([]))).rejects.toMatchObject({
      status: 400,
    });
  });
});
