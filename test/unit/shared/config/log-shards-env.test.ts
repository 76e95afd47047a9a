import { describe, expect, it } from "vitest";
import { parseApiEnv, parseLogWriterEnv } from "../../../../shared/config/env.ts";

const writer = { LOGS_TABLE_NAME: "logs", CONFIG_TABLE_NAME: "config" };
const api = {
  ...writer,
  ACCOUNT_ID: "acct",
  AIG_API_TOKEN: "admin-token-0000000000000000000000",
  LOG_DELETE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/000000000000/log-deletes",
};

describe("LOG_SHARDS", () => {
  it("defaults to 8 shards on the api and the log-writer alike", () => {
    expect(parseLogWriterEnv(writer).LOG_SHARDS).toBe(8);
    expect(parseApiEnv(api).LOG_SHARDS).toBe(8);
  });

  it("takes a power of two up to 64", () => {
    expect(parseLogWriterEnv({ ...writer, LOG_SHARDS: "32" }).LOG_SHARDS).toBe(32);
    expect(parseApiEnv({ ...api, LOG_SHARDS: "1" }).LOG_SHARDS).toBe(1);
  });

  it.each(["3", "0", "128", "eight"])("refuses %s, naming the setting", (value) => {
    expect(() => parseLogWriterEnv({ ...writer, LOG_SHARDS: value })).toThrow(/LOG_SHARDS/);
    expect(() => parseApiEnv({ ...api, LOG_SHARDS: value })).toThrow(/LOG_SHARDS/);
  });
});
