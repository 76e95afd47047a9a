import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;

beforeAll(async () => {
  // A small body limit, so a 413 (refused before the provider is looked up) is cheap to provoke.
  t = await startTestGateway({ MAX_REQUEST_BODY_BYTES: "2000" });
  await t.managementSend("POST", "/gateways", {
    id: "open",
    authentication: false,
    cache_ttl: 0,
    cache_invalidate_on_update: false,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
  });
});

afterAll(async () => {
  await t.stop();
});

const chat = (model = "gpt-4o-mini", padding = "") =>
  JSON.stringify({ model, messages: [{ role: "user", content: `Hi${padding}` }] });

/** A request from a stranger (no gateway token: the gateway is open) and the log it left. */
async function sent(path: string, body: string): Promise<{ status: number; log: Record<string, unknown> }> {
  const response = await fetch(`${t.gateway.url}/v1/${t.gateway.accountId}/open/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-x" },
    body,
  });
  await response.arrayBuffer();
  const id = response.headers.get("cf-aig-log-id");
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await t.management(`/gateways/open/logs/${id}`);
    if (answer.status === 200)
      return { status: response.status, log: answer.body.result as Record<string, unknown> };
    if (Date.now() > deadline) throw new Error(`log ${id} not stored (last status ${answer.status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The providers the gateway's analytics name, once they include `expected` (figures land after the log row). */
async function analyticsProviders(expected: string): Promise<unknown[]> {
  const start = new Date(Date.now() - 3_600_000).toISOString();
  const end = new Date(Date.now() + 3_600_000).toISOString();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await t.management(`/gateways/open/analytics?start=${start}&end=${end}&group_by=provider`);
    expect(answer.status).toBe(200);
    const providers = (answer.body.result as { buckets: { provider: unknown }[] }).buckets.map(
      (bucket) => bucket.provider,
    );
    if (providers.includes(expected) || Date.now() > deadline) return providers;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a request for a provider that does not exist", () => {
  it.each([
    ["an unknown slug", "attacker-bucket/chat/completions", chat()],
    [
      "an unknown slug, refused for its body size before the provider is looked up",
      "big-bucket/x",
      chat("m", "x".repeat(3000)),
    ],
    ["a custom provider that does not exist", "custom-nobody/chat/completions", chat()],
  ])("is logged as failed under no provider, the slug only in its path (%s)", async (_case, path, body) => {
    const { status, log } = await sent(path, body);

    expect(status).toBeGreaterThanOrEqual(400);
    expect(log).toMatchObject({ success: false, provider: null, model: null });
    expect(String(log.path)).toContain(path.split("/")[0]);
  });

  it("is logged as failed under no provider on the compat surface too", async () => {
    const { status, log } = await sent("compat/chat/completions", chat("compat-bucket/gpt-4o-mini"));

    expect(status).toBe(400);
    expect(log).toMatchObject({ success: false, provider: null });
  });

  it("creates no analytics bucket named by the caller; known providers keep theirs", async () => {
    const known = await sent("openai/chat/completions", chat("gpt-4o-mini", "x".repeat(3000)));
    expect(known.status).toBe(413);
    expect(known.log).toMatchObject({ provider: "openai" });

    const providers = await analyticsProviders("openai");

    expect(providers).toContain("openai");
    expect(providers).toContain(null);
    for (const named of ["attacker-bucket", "big-bucket", "custom-nobody", "compat-bucket"])
      expect(providers).not.toContain(named);
  });
});
