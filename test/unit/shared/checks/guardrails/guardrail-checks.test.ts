import { describe, expect, it } from "vitest";
import { guardrailChecks } from "../../../../../shared/checks/guardrails/guardrail-checks.ts";
import { parseProxyEnv } from "../../../../../shared/config/env.ts";
import type { RequestRecord } from "../../../../../shared/core/build-log-event.ts";
import { defaultGateway } from "../../../../../shared/schemas/gateway.ts";
import { recordingLogger } from "../../../../support/recording-logger.ts";

const BASE_ENV = {
  ACCOUNT_ID: "acct",
  CONFIG_TABLE_NAME: "config",
  STATE_TABLE_NAME: "state",
  LOG_QUEUE_URL: "http://127.0.0.1:9324/queue/logs",
};

const checksFor = (env: Record<string, string>) =>
  guardrailChecks({
    env: parseProxyEnv({ ...BASE_ENV, ...env }),
    logger: recordingLogger(),
    awsCredentials: async () => ({ accessKeyId: "AKIA", secretAccessKey: "secret" }),
    region: "us-east-1",
    fetch: globalThis.fetch,
  });

const prompt = (text: string): RequestRecord =>
  ({
    id: "row",
    path: "/v1/acct/gw/openai/chat/completions",
    requestBody: new TextEncoder().encode(JSON.stringify({ messages: [{ role: "user", content: text }] })),
  }) as RequestRecord;

const gatewayWith = (rules: Record<string, "FLAG" | "BLOCK">) => ({
  ...defaultGateway("gw", new Date()),
  guardrails: { prompt: rules, response: {} },
});

describe("guardrailChecks", () => {
  it("fails the cold start, naming the setting, when the scanner named lacks its setting", () => {
    expect(() => checksFor({ GUARDRAILS_SCANNER: "bedrock" })).toThrow(/BEDROCK_GUARDRAIL_ID/);
    expect(() => checksFor({ GUARDRAILS_SCANNER: "openai-moderation" })).toThrow(/GUARDRAILS_MODERATION_URL/);
  });

  it("refuses with 503/7013 without any scanner when a rule blocks, so nothing passes unscanned", async () => {
    const [check] = checksFor({}).requests;
    await expect(
      check?.check({ record: prompt("hi"), gateway: gatewayWith({ S1: "BLOCK" }) }),
    ).rejects.toMatchObject({
      status: 503,
      code: 7013,
    });
  });

  it("lets requests through without any scanner when every rule flags, and logs the scanner as unavailable", async () => {
    const [check] = checksFor({}).requests;
    const record = prompt("hi");
    await check?.check({ record, gateway: gatewayWith({ S1: "FLAG" }) });
    expect(record.guardrails?.prompt).toMatchObject({ scanner: "none", scanner_unavailable: true });
  });

  it("costs no scan on a gateway without guardrails", async () => {
    const [check] = checksFor({}).requests;
    const record = prompt("hi");
    await check?.check({ record, gateway: defaultGateway("gw", new Date()) });
    expect(record.guardrails).toBeUndefined();
  });
});
