import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});

afterAll(async () => {
  await t.stop();
});

describe("GET /client/v4/openapi.json", () => {
  it("serves docs/openapi.json without a token: the API's public documentation", async () => {
    const response = await fetch(`${t.gateway.url}/client/v4/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const checkedIn = JSON.parse(readFileSync(new URL("../../docs/openapi.json", import.meta.url), "utf8"));
    expect(await response.json()).toEqual(checkedIn);
  });

  it("answers another method 405 in Cloudflare's envelope, naming GET", async () => {
    const response = await fetch(`${t.gateway.url}/client/v4/openapi.json`, { method: "POST", body: "{}" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
    const body = (await response.json()) as { success: boolean; errors: { message: string }[] };
    expect(body.success).toBe(false);
    expect(body.errors[0]?.message).toContain("allowed: GET");
  });
});
