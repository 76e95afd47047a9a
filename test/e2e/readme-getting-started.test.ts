import { execFile } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TEXT } from "../mock-upstream/server.ts";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

const run = promisify(execFile);

/**
 * The README's "Getting started" (Cloudflare's guide with this gateway's base URL): every `curl` command of
 * that section, parsed out of README.md and run exactly as printed with the real `curl`, in order, against
 * the local runtime and the mock providers. Only the placeholders the README names are given values, as
 * the environment the commands read them from. GUIDE_TRANSCRIPT=<file> appends each command's output there.
 */
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = /\n## Getting started\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
const commands = [...section.matchAll(/^( *)```sh\n([\s\S]*?)^ *```$/gm)]
  .map(([, indent = "", body = ""]) =>
    body
      .split("\n")
      .map((line) => line.slice(indent.length))
      .join("\n")
      .trim(),
  )
  .filter((command) => command.startsWith("curl "));

const placeholders = {
  ACCOUNT_ID: "local",
  AIG_API_TOKEN: TEST_ADMIN_TOKEN,
  OPENAI_API_KEY: "sk-readme-openai-0123",
};

let t: TestGateway;

beforeAll(async () => {
  // A person types these commands seconds apart; a key stored through the API reaches the proxy within
  // CONFIG_CACHE_TTL_MS (5 s, README "Setup"). Run back to back, the stored-key step would race the proxy's
  // cache of "no openai key" (read by the model list), so the cache is off here rather than the test sleeping.
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
});

afterAll(async () => {
  await t.stop();
});

async function curl(command: string): Promise<Record<string, unknown>> {
  const { stdout } = await run("bash", ["-c", command], {
    env: { PATH: process.env.PATH ?? "", BASE_URL: t.gateway.url, ...placeholders },
  });
  if (process.env.GUIDE_TRANSCRIPT)
    appendFileSync(process.env.GUIDE_TRANSCRIPT, `$ ${command}\n${stdout}\n\n`);
  return JSON.parse(stdout) as Record<string, unknown>;
}

const step = (title: string) => commands.findIndex((command) => command.includes(title));

describe("README.md, Getting started", () => {
  it("has the guide's seven commands, each a curl command against $BASE_URL", () => {
    expect(commands).toHaveLength(7);
    for (const command of commands) expect(command).toContain('"$BASE_URL/');
  });

  it("runs every command as printed, in order, and each one succeeds against the mock", async () => {
    const outputs: Record<string, unknown>[] = [];
    for (const command of commands) outputs.push(await curl(command));

    // First request: a platform model, served by Bedrock's Kimi K2.5.
    expect(outputs[step("@cf/moonshotai/kimi-k2.5")]).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { content: MOCK_TEXT } }],
    });
    expect(t.mock.requests.some((request) => request.path === "/model/moonshotai.kimi-k2.5/converse")).toBe(
      true,
    );
    // The model list, in OpenAI's format.
    expect(outputs[step("/ai/v1/models")]).toMatchObject({ object: "list" });
    // The gateway and the stored key, in Cloudflare's v4 envelope.
    expect(outputs[step('/ai-gateway/gateways"')]).toMatchObject({
      success: true,
      result: { id: "my-gateway" },
    });
    expect(outputs[step("provider_configs")]).toMatchObject({
      success: true,
      result: { provider_slug: "openai" },
    });
    // /ai/run in Workers AI's envelope.
    expect(outputs[step("/ai/run/")]).toMatchObject({ success: true, result: { response: MOCK_TEXT } });
    // The REST API with the stored key, and the provider-specific endpoint with the caller's key.
    expect(outputs[step('"model": "openai/gpt-4.1-mini"')]).toMatchObject({
      choices: [{ message: { content: MOCK_TEXT } }],
    });
    expect(outputs[step("/my-gateway/openai/")]).toMatchObject({
      choices: [{ message: { content: MOCK_TEXT } }],
    });
    const openaiCalls = t.mock.requests.filter((request) => request.path === "/v1/chat/completions");
    expect(openaiCalls.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${placeholders.OPENAI_API_KEY}`,
      `Bearer ${placeholders.OPENAI_API_KEY}`,
    ]);
  });
});
