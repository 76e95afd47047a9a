import type Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;
let account_id: string;
const ids: string[] = [];

interface JobView {
  id: string;
  status: string;
  deleted: number;
  kind: string;
  error: string | null;
}

async function send(): Promise<string> {
  const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
    method: "POST",
    headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("cf-aig-log-id") ?? "";
}

beforeAll(async () => {
  t = await startTestGateway({
    // The DELETE answers at once (202), and the job takes two logs a message: every step can be seen.
    LOG_DELETE_WAIT_MS: "0",
    LOG_DELETE_SLICE_SIZE: "2",
    LOG_DELETE_BUDGET_MS: "0",
  });
  account_id = t.gateway.accountId;
  client = t.cloudflareClient();
  for (let index = 0; index < 5; index += 1) ids.push(await send());
  for (const id of ids) await t.waitForLog(id);
});

afterAll(async () => {
  await t.stop();
});

describe("DELETE .../logs as a job, through the local runtime (npm start's queue and log-deleter)", () => {
  it("answers the Cloudflare SDK's logs.delete at once with 202 and the job; the job then deletes every match", async () => {
    const { data, response } = await client.aiGateway.logs
      .delete("default", {
        account_id,
        filters: [{ key: "provider", operator: "eq", value: ["openai"] }],
      })
      .withResponse();
    expect(data.success).toBe(true);
    expect(response.status).toBe(202);
    const job = (data as unknown as { result: JobView }).result;
    expect(job).toMatchObject({ kind: "filter", deleted: 0, error: null });
    expect(["queued", "running"]).toContain(job.status);
    // No absolute URL the function cannot know; the Location is relative, right behind any stage or base path.
    expect(job).not.toHaveProperty("url");
    expect(response.headers.get("location")).toBe(`logs/deletes/${job.id}`);
    expect(new URL(response.headers.get("location") ?? "", response.url).pathname).toBe(
      `/client/v4/accounts/${account_id}/ai-gateway/gateways/default/logs/deletes/${job.id}`,
    );

    const progress: number[] = [];
    const done = await vi.waitFor(
      async () => {
        const { status, body } = await t.management(`/gateways/default/logs/deletes/${job.id}`);
        expect(status).toBe(200);
        const seen = body.result as JobView;
        progress.push(seen.deleted);
        expect(seen.status).toBe("done");
        return seen;
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(done.deleted).toBe(5);
    const left = await client.aiGateway.logs.list("default", { account_id });
    expect(left.result).toEqual([]);
    const listed = await t.management("/gateways/default/logs");
    expect(listed.body.result_info?.total_count).toBe(0);
  });

  it("lists the gateway's recent jobs, newest first", async () => {
    const { status, body } = await t.management("/gateways/default/logs/deletes");
    expect(status).toBe(200);
    const jobs = body.result as JobView[];
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    expect(jobs[0]).toMatchObject({ status: "done", deleted: 5 });
  });

  it("refuses a job id that is not a UUID with a 400, and answers an unknown one with 404", async () => {
    const malformed = await t.management("/gateways/default/logs/deletes/not-a-job");
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]?.message).toContain("Invalid delete job id");
    const unknown = await t.management("/gateways/default/logs/deletes/00000000-0000-7000-8000-000000000000");
    expect(unknown.status).toBe(404);
  });

  it("refuses a parameter the job listing does not take", async () => {
    const { status } = await t.management("/gateways/default/logs/deletes?filters=%5B%5D");
    expect(status).toBe(400);
  });
});
