import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportRecordOf } from "../../../../../shared/logs/export/export-record.ts";
import { FileLogExporter } from "../../../../../shared/logs/export/file-log-exporter.ts";
import { exportStoredLogs } from "../../../../../shared/logs/export/log-exporter.ts";
import { logEvent } from "../../../../integration/logs/log-fixtures.ts";
import { recordingLogger } from "../../../../support/recording-logger.ts";

const root = mkdtempSync(join(tmpdir(), "log-export-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every record written under a directory, by partition folder. */
function written(directory: string): Record<string, unknown[]> {
  const partitions: Record<string, unknown[]> = {};
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const folder = entry.parentPath.slice(directory.length + 1);
    const lines = readFileSync(join(entry.parentPath, entry.name), "utf8").trimEnd().split("\n");
    partitions[folder] = [...(partitions[folder] ?? []), ...lines.map((line) => JSON.parse(line))];
  }
  return partitions;
}

const message = (messageId: string, event = logEvent()) => ({ messageId, body: JSON.stringify(event) });

describe("exportStoredLogs", () => {
  it("exports the logs of the messages that were stored, once each, and none that failed", async () => {
    const directory = mkdtempSync(join(root, "stored-"));
    const stored = logEvent();
    const messages = [message("m1", stored), message("m2", stored), message("m3")];
    const failed = await exportStoredLogs(
      messages,
      ["m3"],
      new FileLogExporter(directory),
      recordingLogger(),
    );
    expect(failed).toEqual([]);
    const day = stored.created_at.slice(0, 10);
    expect(written(directory)).toEqual({ [`logs/date=${day}/gateway=gw`]: [exportRecordOf(stored)] });
  });

  it("answers every stored message as failed, and logs why, when the export fails", async () => {
    // A file where the export directory should be: the exporter cannot write.
    const directory = join(root, "not-a-directory");
    writeFileSync(directory, "");
    const logger = recordingLogger();
    const failed = await exportStoredLogs(
      [message("m1"), message("m2"), message("m3")],
      ["m2"],
      new FileLogExporter(directory),
      logger,
    );
    expect(failed).toEqual(["m1", "m3"]);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: "error",
        message: "log export failed; the logs are retried",
        attributes: expect.objectContaining({ logs: 2 }),
      }),
    ]);
  });

  it("exports nothing when every message failed", async () => {
    const directory = mkdtempSync(join(root, "none-"));
    expect(
      await exportStoredLogs([message("m1")], ["m1"], new FileLogExporter(directory), recordingLogger()),
    ).toEqual([]);
    expect(written(directory)).toEqual({});
  });
});

describe("FileLogExporter", () => {
  it("writes one NDJSON file per partition, under logs/date=.../gateway=..., with the gateway id encoded", async () => {
    const directory = mkdtempSync(join(root, "files-"));
    const first = logEvent({ gateway_id: "a/b" }, Date.UTC(2026, 0, 1, 12));
    const second = logEvent({ gateway_id: "a/b" }, Date.UTC(2026, 0, 2, 12));
    const third = logEvent({ gateway_id: "other" }, Date.UTC(2026, 0, 2, 13));
    await new FileLogExporter(directory).export([first, second, third].map(exportRecordOf));
    expect(written(directory)).toEqual({
      "logs/date=2026-01-01/gateway=a%2Fb": [exportRecordOf(first)],
      "logs/date=2026-01-02/gateway=a%2Fb": [exportRecordOf(second)],
      "logs/date=2026-01-02/gateway=other": [exportRecordOf(third)],
    });
  });
});
