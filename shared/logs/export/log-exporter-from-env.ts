import { FirehoseClient } from "@aws-sdk/client-firehose";
import { FileLogExporter } from "./file-log-exporter.ts";
import { FirehoseLogExporter } from "./firehose-log-exporter.ts";
import type { LogExporter } from "./log-exporter.ts";

/**
 * The log-writer's export, chosen by its environment: LOG_EXPORT_STREAM (the stack with `logExport=true`)
 * sends to Firehose; LOG_EXPORT_DIR (the local runtime) writes files; neither, no export.
 */
export function logExporterFromEnv(env: {
  LOG_EXPORT_STREAM?: string | undefined;
  LOG_EXPORT_DIR?: string | undefined;
}): LogExporter | null {
  if (env.LOG_EXPORT_STREAM) return new FirehoseLogExporter(new FirehoseClient({}), env.LOG_EXPORT_STREAM);
  if (env.LOG_EXPORT_DIR) return new FileLogExporter(env.LOG_EXPORT_DIR);
  return null;
}
