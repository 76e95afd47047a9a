/**
 * The first page of a 100,000-log gateway's listing (issue 22): generates the logs into DynamoDB Local
 * (the items the log-writer writes, spread over LOG_SHARDS shards, with the stored-log counter that the
 * log-writer keeps), then asks the management API's real handler for the first page, as the console does,
 * and prints the latency of each round. A measurement, never a test assertion.
 *
 *   node --import tsx test/bench/log-listing.ts        # LISTING_LOGS (100000), LISTING_ROUNDS (20), LOG_SHARDS (8)
 */
import { performance } from "node:perf_hooks";
import { BatchWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { v7 as uuidv7 } from "uuid";
import { DEFAULT_LOG_DELETE_SLICE_SIZE, LogDeleteJobs } from "../../shared/logs/log-delete-jobs.ts";
import { LogDeleteQueue } from "../../shared/logs/log-delete-message.ts";
import { createManagementHandler } from "../../shared/management/handle-management-request.ts";
import type { LogEvent } from "../../shared/schemas/log-event.ts";
import { AnalyticsStore } from "../../shared/store/analytics-store.ts";
import { CustomProviderStore } from "../../shared/store/custom-provider-store.ts";
import { DlpProfileStore } from "../../shared/store/dlp-profile-store.ts";
import { GatewayStore } from "../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../shared/store/log-counter-store.ts";
import { LogDeleteJobStore } from "../../shared/store/log-delete-job-store.ts";
import { counterKey } from "../../shared/store/log-keys.ts";
import { DEFAULT_LOG_SHARDS } from "../../shared/store/log-shards.ts";
import { LogStore } from "../../shared/store/log-store.ts";
import { RouteStore } from "../../shared/store/route-store.ts";
import { TokenStore } from "../../shared/store/token-store.ts";
import { startDynamo } from "../support/dynamodb-emulators.ts";
import { recordingLogger } from "../support/recording-logger.ts";

const LOGS = Number(process.env.LISTING_LOGS ?? 100_000);
const ROUNDS = Number(process.env.LISTING_ROUNDS ?? 20);
const SHARDS = Number(process.env.LOG_SHARDS ?? DEFAULT_LOG_SHARDS);
const ADMIN = "bench-admin-token-00000000000000000000";
const MODELS = ["gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "llama-3.3-70b"];

/** A log as the proxy sends it, one a second back from now, without bodies (a listing never reads them). */
function event(index: number, now: number): LogEvent {
  const at = now - (LOGS - index) * 1_000;
  const model = MODELS[index % MODELS.length] ?? "gpt-4o-mini";
  return {
    id: uuidv7({ msecs: at }),
    account_id: "acct",
    gateway_id: "busy",
    created_at: new Date(at).toISOString(),
    provider: model.startsWith("claude") ? "anthropic" : "openai",
    model,
    path: "/v1/acct/busy/openai/chat/completions",
    method: "POST",
    status_code: index % 50 === 0 ? 429 : 200,
    success: index % 50 !== 0,
    cached: index % 7 === 0,
    duration: 200 + (index % 900),
    time_to_first_byte: 100 + (index % 300),
    tokens_in: 20 + (index % 400),
    tokens_out: 50 + (index % 700),
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: { user: `u${index % 97}` },
    event_id: `evt-${index}`,
    request_id: `req-${index}`,
    request_content_type: "application/json",
    response_content_type: "application/json",
    request_size: 600,
    response_size: 1_200,
    user_agent: "OpenAI/JS 6.0.0",
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
  } as LogEvent;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const dynamo = await startDynamo("dynamodb-local");
  try {
    const logsTable = await dynamo.createTable("logs");
    const configTable = await dynamo.createTable("config");
    const client = dynamo.documentClient;
    const logs = new LogStore(client, logsTable, Date.now, undefined, undefined, SHARDS);
    const gateways = new GatewayStore(client, configTable);

    const started = performance.now();
    const now = Date.now();
    const chunks: Record<string, unknown>[][] = [];
    for (let index = 0; index < LOGS; index += 25)
      chunks.push(
        Array.from({ length: Math.min(25, LOGS - index) }, (_, offset) =>
          logs.logItem(event(index + offset, now)),
        ),
      );
    for (let index = 0; index < chunks.length; index += 16) {
      await Promise.all(
        chunks.slice(index, index + 16).map(async (chunk) => {
          let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
          while (requests.length > 0) {
            const { UnprocessedItems } = await client.send(
              new BatchWriteCommand({ RequestItems: { [logsTable]: requests } }),
            );
            requests = (UnprocessedItems?.[logsTable] ?? []) as typeof requests;
          }
        }),
      );
    }
    // The log-writer counts every log it stores; the listing's total comes from this counter.
    await client.send(
      new UpdateCommand({
        TableName: logsTable,
        Key: counterKey("acct", "busy"),
        UpdateExpression: "ADD #stored :count",
        ExpressionAttributeNames: { "#stored": "stored" },
        ExpressionAttributeValues: { ":count": LOGS },
      }),
    );
    console.log(
      `generated ${LOGS} logs over ${SHARDS} shards in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const handle = createManagementHandler({
      accountId: "acct",
      gateways,
      logs,
      counters: new LogCounterStore(client, logsTable),
      analytics: new AnalyticsStore(client, logsTable),
      // The listing bench deletes nothing: a job queued here would be a mistake, so its queue refuses.
      logDeleteJobs: new LogDeleteJobs(
        new LogDeleteJobStore(client, logsTable),
        new LogDeleteQueue({ sendMessage: () => Promise.reject(new Error("no log-delete queue here")) }, ""),
        DEFAULT_LOG_DELETE_SLICE_SIZE,
      ),
      tokens: new TokenStore(client, configTable),
      providerKeys: null,
      customProviders: new CustomProviderStore(client, configTable),
      dlpProfiles: new DlpProfileStore(client, configTable),
      routes: new RouteStore(client, configTable),
      adminToken: async () => ADMIN,
      logger: recordingLogger(),
    });
    const created = await handle(
      new Request("http://bench.test/client/v4/accounts/acct/ai-gateway/gateways", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({
          id: "busy",
          cache_invalidate_on_update: false,
          cache_ttl: 0,
          collect_logs: true,
          rate_limiting_interval: 0,
          rate_limiting_limit: 0,
        }),
      }),
    );
    if (created.status !== 200) throw new Error(`gateway not created: ${await created.text()}`);
    const cases: [string, string][] = [
      ["first page (default: newest first, 20)", ""],
      ["first page, 50 a page", "?per_page=50"],
      ["first page, oldest first", "?order_by_direction=asc"],
      ["page 10 of 50", "?per_page=50&page=10"],
      ["first page, last hour (filter: every log of the hour read for the total)", "?start_date=LAST_HOUR"],
    ];
    for (const [name, query] of cases) {
      const times: number[] = [];
      let total = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        const url = `http://bench.test/client/v4/accounts/acct/ai-gateway/gateways/busy/logs${query.replace(
          "LAST_HOUR",
          encodeURIComponent(new Date(now - 3_600_000).toISOString()),
        )}`;
        const begin = performance.now();
        const response = await handle(new Request(url, { headers: { authorization: `Bearer ${ADMIN}` } }));
        const body = (await response.json()) as { result_info?: { total_count?: number } };
        times.push(performance.now() - begin);
        if (response.status !== 200) throw new Error(`${name}: ${response.status} ${JSON.stringify(body)}`);
        total = body.result_info?.total_count ?? -1;
      }
      console.log(
        `${name}: median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms, first ${times[0]?.toFixed(1)} ms (total_count ${total}, ${ROUNDS} rounds)`,
      );
    }
  } finally {
    await dynamo.stop();
  }
}

await main();
