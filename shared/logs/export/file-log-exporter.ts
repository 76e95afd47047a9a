import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EXPORT_PREFIX } from "./export-columns.ts";
import { type ExportRecord, exportDateOf } from "./export-record.ts";
import type { LogExporter } from "./log-exporter.ts";

/**
 * The local runtime's export (LOG_EXPORT_DIR, e.g. `.data/export`): the records Firehose would receive,
 * as newline-delimited JSON files laid out as the stack's bucket is
 * (`logs/date=YYYY-MM-DD/gateway={gateway id}/{batch}.ndjson`), one file per batch and partition. The same
 * Hive-style folders let DuckDB or Athena-compatible tools read them: `read_json('.data/export/logs/**')`.
 */
export class FileLogExporter implements LogExporter {
  constructor(private readonly directory: string) {}

  async export(records: ExportRecord[]): Promise<void> {
    const batch = randomUUID();
    const partitions = new Map<string, ExportRecord[]>();
    for (const record of records) {
      // Encoded like the S3 body keys: no gateway id can add a level to the path.
      const folder = join(
        EXPORT_PREFIX,
        `date=${exportDateOf(record)}`,
        `gateway=${encodeURIComponent(String(record.gateway_id))}`,
      );
      const partition = partitions.get(folder);
      if (partition) partition.push(record);
      else partitions.set(folder, [record]);
    }
    await Promise.all(
      [...partitions].map(async ([folder, partition]) => {
        const path = join(this.directory, folder);
        await mkdir(path, { recursive: true });
        const lines = partition.map((record) => `${JSON.stringify(record)}\n`).join("");
        await writeFile(join(path, `${batch}.ndjson`), lines, { flag: "wx" });
      }),
    );
  }
}
