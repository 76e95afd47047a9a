import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { v7 as uuidv7 } from "uuid";
import type { LogRetention } from "../../../shared/logs/log-retention.ts";
import type { LogWriterDependencies } from "../../../shared/logs/write-log-batch.ts";
import type { LogEvent } from "../../../shared/schemas/log-event.ts";
import { AnalyticsStore } from "../../../shared/store/analytics-store.ts";
import type { LogBodyObjects } from "../../../shared/store/log-body-objects.ts";
import { LogCounterStore } from "../../../shared/store/log-counter-store.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

/** A log event as the proxy sends it; `at` sets both the id's millisecond and created_at. */
export function logEvent(overrides: Partial<LogEvent> = {}, at?: number): LogEvent {
  const time = at ?? Date.now();
  const id = uuidv7({ msecs: time });
  return {
    id,
    account_id: "acct",
    gateway_id: "gw",
    created_at: new Date(time).toISOString(),
    provider: "openai",
    model: "gpt-4o-mini",
    path: "/v1/acct/gw/openai/chat/completions",
    method: "POST",
    status_code: 200,
    success: true,
    cached: false,
    duration: 12.5,
    time_to_first_byte: 4.25,
    tokens_in: 12,
    tokens_out: 5,
    cache_read_tokens: null,
    cache_write_tokens: null,
    metadata: { user: "u-1", n: 2, beta: true },
    event_id: `evt-${id}`,
    request_id: `req-${id}`,
    request_content_type: "application/json",
    response_content_type: "application/json",
    request_size: 10,
    response_size: 20,
    user_agent: "test",
    client_aborted: false,
    error: null,
    request_body: null,
    response_body: null,
    ...overrides,
  };
}

/** The log-writer's real stores over one table (and bucket, with `bodies`), with a settable retention per gateway. */
export function writerDependencies(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: {
    retention?: Record<string, LogRetention>;
    ttlDays?: number;
    now?: () => number;
    bodies?: LogBodyObjects;
    bodiesS3MinBytes?: number;
  } = {},
): LogWriterDependencies & { logger: ReturnType<typeof recordingLogger> } {
  const now = options.now ?? Date.now;
  return {
    logs: new LogStore(client, tableName, now, options.bodies, options.bodiesS3MinBytes),
    counters: new LogCounterStore(client, tableName, now),
    analytics: new AnalyticsStore(client, tableName),
    retention: async (_account, gatewayId) => options.retention?.[gatewayId] ?? null,
    logger: recordingLogger(),
    ttlDays: options.ttlDays,
    now,
  };
}

export const message = (event: LogEvent, messageId = event.id) => ({
  messageId,
  body: JSON.stringify(event),
});
