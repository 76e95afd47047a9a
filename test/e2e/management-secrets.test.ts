import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
/** Every raw body the API sent back after the creates, and every line the process wrote meanwhile. */
const bodies: string[] = [];
const outputLines: string[] = [];
const restoreOutput: (() => void)[] = [];

function captureOutput(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    outputLines.push(String(chunk));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restoreOutput.push(() => {
    stream.write = original;
  });
}

async function call(method: string, path: string, body?: unknown, token = TEST_ADMIN_TOKEN) {
  const response = await fetch(
    `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/ai-gateway${path}`,
    {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
  );
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as { result: Record<string, string> } };
}

const secrets = {
  openai: "sk-proj-SECRET-openai-0123456789abcdef",
  anthropic: "sk-ant-SECRET-anthropic-0123456789",
  bedrockSecretKey: "wJalrXUtnFEMI/K7MDENG/SECRETbedrockKEY",
  bedrockSessionToken: "FwoGZXIvYXdzSECRET-session-token-value",
};
const tokenValues: string[] = [];

beforeAll(async () => {
  t = await startTestGateway();
  captureOutput(process.stdout);
  captureOutput(process.stderr);
  await call("POST", "/custom-providers", {
    name: "Acme",
    slug: "acme",
    base_url: "https://api.acme.example",
  });
  for (const scopes of [["read"], ["edit", "run"]]) {
    const created = await call("POST", "/tokens", { name: `token ${scopes.join("+")}`, scopes });
    tokenValues.push(created.json.result.value ?? "");
  }
  const keys = [
    { provider_slug: "openai", secret: secrets.openai },
    { provider_slug: "anthropic", alias: "team-b", secret: secrets.anthropic },
    { provider_slug: "custom-acme", secret: `${secrets.openai}-acme` },
    {
      provider_slug: "aws-bedrock",
      secret: JSON.stringify({
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: secrets.bedrockSecretKey,
        region: "us-west-2",
        sessionToken: secrets.bedrockSessionToken,
      }),
    },
  ];
  for (const key of keys) {
    const created = await call("POST", "/gateways/default/provider_configs", key);
    expect(created.status).toBe(200);
    bodies.push(created.text);
  }
  // A token used, then revoked: its value must not come back either.
  const used = await call("GET", "/tokens", undefined, tokenValues[0]);
  bodies.push(used.text);
  const tokens = (await call("GET", "/tokens")).json.result as unknown as { id: string }[];
  for (const token of tokens) bodies.push((await call("DELETE", `/tokens/${token.id}`)).text);

  for (const path of [
    "/tokens",
    "/gateways",
    "/gateways/default",
    "/gateways/default/provider_configs",
    "/gateways/default/provider_configs?per_page=1&page=2",
    "/custom-providers",
  ]) {
    bodies.push((await call("GET", path)).text);
  }
});

afterAll(async () => {
  for (const restore of restoreOutput) restore();
  await t.stop();
});

describe("secrets never leave the management API", () => {
  it("captured every response and the structured log of the run", () => {
    expect(bodies.length).toBeGreaterThan(8);
    expect(tokenValues.every((value) => value.startsWith("aig_"))).toBe(true);
    expect(outputLines.join("")).toContain("management change");
  });

  it("no response body holds a provider secret or a token value", () => {
    const everything = bodies.join("\n");
    for (const secret of [...Object.values(secrets), ...tokenValues]) {
      expect(everything).not.toContain(secret);
      // Nor a recognisable half of one.
      expect(everything).not.toContain(secret.slice(6, -6));
    }
  });

  it("no structured log line holds a provider secret or a token value", () => {
    const log = outputLines.join("");
    for (const secret of [...Object.values(secrets), ...tokenValues]) expect(log).not.toContain(secret);
  });

  it("provider keys show only a preview: first and last four characters, the access key id for Bedrock", async () => {
    const listed = (await call("GET", "/gateways/default/provider_configs")).json.result as unknown as {
      provider_slug: string;
      secret_preview: string;
    }[];
    const previews = Object.fromEntries(listed.map((key) => [key.provider_slug, key.secret_preview]));
    expect(previews).toMatchObject({
      openai: "sk-p...cdef",
      anthropic: "sk-a...6789",
      "aws-bedrock": "AKIA...MPLE",
    });
  });

  it("tokens are listed with a preview and never with a value", async () => {
    const listed = (await call("GET", "/tokens")).json.result as unknown as Record<string, unknown>[];
    expect(listed.length).toBe(2);
    for (const token of listed) {
      expect(token).not.toHaveProperty("value");
      expect(String(token.value_preview)).toMatch(/^aig_.{4}\.\.\..{4}$/);
    }
  });
});
