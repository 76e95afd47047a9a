import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPORT_COLUMNS } from "../../shared/logs/export/export-columns.ts";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
const exportDirectory = mkdtempSync(join(tmpdir(), "ai-gateway-export-"));

beforeAll(async () => {
  t = await startTestGateway({ LOG_EXPORT_DIR: exportDirectory });
});

afterAll(async () => {
  await t.stop();
  rmSync(exportDirectory, { recursive: true, force: true });
});

/** The exported records of a log, by the file path they are in (relative to the export directory). */
async function exported(
  logId: string,
  timeoutMs = 10_000,
): Promise<Array<{ path: string; record: Record<string, unknown> }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = readdirSync(exportDirectory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .flatMap((entry) => {
        const path = join(entry.parentPath, entry.name).slice(exportDirectory.length + 1);
        return readFileSync(join(entry.parentPath, entry.name), "utf8")
          .trimEnd()
          .split("\n")
          .map((line) => ({ path, record: JSON.parse(line) as Record<string, unknown> }));
      })
      .filter(({ record }) => record.id === logId);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("log export in the local runtime (proxy -> SQS -> log-writer -> LOG_EXPORT_DIR)", () => {
  it("writes each stored log, as the logs API shows it plus its account, to logs/date=.../gateway=.../*.ndjson", async () => {
    const response = await fetch(`${t.providerUrl("openai")}/chat/completions`, {
      method: "POST",
      headers: {
        ...t.gatewayAuth,
        authorization: "Bearer sk-test",
        "content-type": "application/json",
        "cf-aig-metadata": JSON.stringify({ team: "search", tier: 2 }),
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
    });
    await response.text();
    const logId = response.headers.get("cf-aig-log-id") ?? "";
    const shown = await t.waitForLog(logId);

    const [only, ...others] = await exported(logId);
    expect(others).toEqual([]);
    const day = String(shown.created_at).slice(0, 10);
    expect(only?.path).toMatch(new RegExp(`^logs/date=${day}/gateway=default/[0-9a-f-]{36}\\.ndjson$`));
    const record = only?.record ?? {};
    expect(Object.keys(record)).toEqual(EXPORT_COLUMNS.map((column) => column.name));
    // Every field the logs API shows, with the same value (metadata as strings: a Glue map has one value type).
    const { metadata, ...rest } = shown;
    expect(record).toMatchObject({ ...rest, account_id: t.gateway.accountId });
    expect(metadata).toEqual({ team: "search", tier: 2 });
    expect(record.metadata).toEqual({ team: "search", tier: "2" });
    expect(record).toMatchObject({
      provider: "openai",
      model: "gpt-4o-mini",
      success: true,
      status_code: 200,
      // Columns the export once lacked, written as the logs API shows them (or null when the log has none).
      otel_trace_id: "0af7651916cd43dd8448eb211c80319c",
      otel_parent_span_id: "b7ad6b7169203331",
      dlp_action: null,
      guardrails: null,
      requested_model: null,
    });
    expect(shown).toMatchObject({ otel_trace_id: "0af7651916cd43dd8448eb211c80319c" });
  });
});
