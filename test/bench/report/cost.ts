import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRun } from "../run-types.ts";
import { median } from "../stats.ts";
import { renderFrontComparison, renderMemorySizing } from "./cost-sizing.ts";
import { renderCrossoverSvg } from "./crossover-plot.ts";
import { COMPARED_LAMBDA_MEMORY_MB } from "./fargate.ts";
import { VCPU_MEMORY_MB } from "./lambda-sizing.ts";
import { PRICE_LIST_DATE, PRICES } from "./prices.ts";
import { coldStartTotals } from "./targets.ts";

/** The stack's settings (infra/aws/constructs/ai-gateway.ts and gateway-rest-api.ts). */
const PROXY_MEMORY_MB = COMPARED_LAMBDA_MEMORY_MB;
const PROXY_MEMORY_GB = PROXY_MEMORY_MB / 1024;
const LOG_WRITER_MEMORY_GB = 512 / 1024;
/** The crossover plot, beside the report. */
const CROSSOVER_SVG = "cost-crossover.svg";
/** Hand-written sections kept below the generated ones. */
const NOTES = fileURLToPath(new URL("./cost-notes.md", import.meta.url));
const CONFIG_CACHE_TTL_S = 5;

/** Assumptions that no local run can measure; each is stated in the report. */
const ASSUMED = {
  providerWaitS: { plain: 1.0, stream: 3.0 } as Record<string, number>,
  sqsSendS: 0.01,
  messagesPerLogWriterBatch: 10,
  logWriterBatchS: 0.06,
  coldStartShare: 0.01,
  /**
   * shared/logs/store-log-event.ts, shared by a batch's logs: the stored-log counter, the hour and the day
   * bucket (one provider and model within one hour per batch) and the batch's record (items under 1 KB).
   */
  smallWritesPerBatch: 4,
  /** START, END and REPORT lines of one invocation (text format), bytes. */
  platformLogBytes: 330,
  /** Response headers added to the body on the way out, bytes. */
  responseHeaderBytes: 400,
};

/** A sample API Gateway access log line in the stack's format, for its size. */
const ACCESS_LOG_SAMPLE = JSON.stringify({
  requestId: "0f5a8c1e-6b9d-4c1a-9a57-3c2e8d7b1f40",
  ip: "203.0.113.10",
  requestTime: "25/Nov/2026:16:03:08 +0000",
  httpMethod: "POST",
  path: "/prod/v1/123456789012/default/openai/chat/completions",
  resourcePath: "/v1/{proxy+}",
  status: "200",
  protocol: "HTTP/1.1",
  responseLength: "1048",
  responseLatency: "1012",
  integrationLatency: "1010",
  integrationStatus: "200",
  integrationError: "-",
  errorMessage: "-",
  userAgent: "OpenAI/JS 6.30.1",
});

interface Line {
  item: string;
  perMillion: number;
  basis: string;
}

const usd = (value: number) => `$${value.toFixed(value < 0.1 ? 3 : 2)}`;

function linesFor(run: BenchRun, workload: string): Line[] {
  const cpu = run.handlerCpu.find((h) => h.variant === "bundle" && h.workload === workload);
  const cpuS = (cpu?.cpuUsPerRequest ?? Number.NaN) / 1e6;
  const stretch = VCPU_MEMORY_MB / PROXY_MEMORY_MB;
  const gatewayS = cpuS * stretch;
  const waitS = ASSUMED.providerWaitS[workload] ?? 1;
  const durationS = waitS + gatewayS + ASSUMED.sqsSendS;
  const coldS = (median(coldStartTotals(run)) / 1000) * stretch;
  const item = run.logItems[workload];
  const logUnits = item?.meanLogWriteUnits ?? Number.NaN;
  const bodyUnits = item?.meanBodyWriteUnits ?? Number.NaN;
  const bodyBytes = run.bodySizes[workload]?.ours ?? Number.NaN;
  const cloudWatchBytes =
    ACCESS_LOG_SAMPLE.length +
    ASSUMED.platformLogBytes +
    ASSUMED.platformLogBytes / ASSUMED.messagesPerLogWriterBatch;
  const M = 1e6;
  const gbSecond = PRICES.lambdaArmGbSecond.value;
  return [
    { item: "API Gateway REST API", perMillion: PRICES.apiGatewayRest.value, basis: "1 call" },
    { item: "Proxy Lambda, requests", perMillion: PRICES.lambdaRequest.value, basis: "1 invocation" },
    {
      item: "Proxy Lambda, duration: provider wait",
      perMillion: PROXY_MEMORY_GB * waitS * gbSecond * M,
      basis: `${waitS} s (assumed) × ${PROXY_MEMORY_GB} GB`,
    },
    {
      item: "Proxy Lambda, duration: gateway CPU",
      perMillion: PROXY_MEMORY_GB * gatewayS * gbSecond * M,
      basis: `${(cpuS * 1e3).toFixed(2)} ms CPU measured × ${stretch.toFixed(2)} (CPU share at ${PROXY_MEMORY_MB} MB) = ${(gatewayS * 1e3).toFixed(1)} ms × ${PROXY_MEMORY_GB} GB`,
    },
    {
      item: "Proxy Lambda, duration: log SendMessage after the last byte",
      perMillion: PROXY_MEMORY_GB * ASSUMED.sqsSendS * gbSecond * M,
      basis: `${ASSUMED.sqsSendS * 1e3} ms (assumed) × ${PROXY_MEMORY_GB} GB`,
    },
    {
      item: "Proxy Lambda, cold starts",
      perMillion: ASSUMED.coldStartShare * PROXY_MEMORY_GB * coldS * gbSecond * M,
      basis: `${ASSUMED.coldStartShare * 100}% of invocations (assumed) × ${(coldS * 1e3).toFixed(0)} ms (measured import + first request × ${stretch.toFixed(2)})`,
    },
    {
      item: "DynamoDB, log-writer writes",
      perMillion:
        (logUnits + bodyUnits + ASSUMED.smallWritesPerBatch / ASSUMED.messagesPerLogWriterBatch) *
        PRICES.dynamoWriteUnit.value,
      basis: `log item ${logUnits.toFixed(2)} WRU (measured mean ${(item?.meanLogBytes ?? Number.NaN).toFixed(0)} bytes); body item ${bodyUnits.toFixed(2)} WRU (measured mean ${(item?.meanBodyBytes ?? Number.NaN).toFixed(0)} bytes, gzipped bodies; BatchWriteItem bills per item); ${ASSUMED.smallWritesPerBatch} small writes of 1 WRU per batch of ${ASSUMED.messagesPerLogWriterBatch} (stored-log counter, hour and day analytics buckets, the batch's record), assumed; no spend limits configured`,
    },
    {
      item: "DynamoDB, gateway read",
      perMillion:
        (CONFIG_CACHE_TTL_S > 0 ? Math.min(1, 1 / (CONFIG_CACHE_TTL_S / durationS)) : 1) *
        PRICES.dynamoReadUnit.value,
      basis: `1 strongly consistent read per instance per ${CONFIG_CACHE_TTL_S} s; a busy instance serves ${(CONFIG_CACHE_TTL_S / durationS).toFixed(1)} requests in that time`,
    },
    {
      item: "SQS",
      perMillion: (1 + 2 / ASSUMED.messagesPerLogWriterBatch) * PRICES.sqsRequest.value,
      basis: `1 SendMessage (< 64 KB) + a ReceiveMessage and a DeleteMessageBatch per ${ASSUMED.messagesPerLogWriterBatch} messages (assumed)`,
    },
    {
      item: "Log-writer Lambda",
      perMillion:
        (PRICES.lambdaRequest.value + LOG_WRITER_MEMORY_GB * ASSUMED.logWriterBatchS * gbSecond * M) /
        ASSUMED.messagesPerLogWriterBatch,
      basis: `1 invocation of ${ASSUMED.logWriterBatchS * 1e3} ms at 512 MB per ${ASSUMED.messagesPerLogWriterBatch} logs (assumed)`,
    },
    {
      item: "CloudWatch Logs ingestion",
      perMillion: (cloudWatchBytes / 1e9) * PRICES.cloudWatchIngest.value * M,
      basis: `${cloudWatchBytes.toFixed(0)} bytes: access log line (${ACCESS_LOG_SAMPLE.length}), proxy START/END/REPORT (${ASSUMED.platformLogBytes}), log-writer's per batch; no application line on success`,
    },
    {
      item: "Data transfer out",
      perMillion: ((bodyBytes + ASSUMED.responseHeaderBytes) / 1e9) * PRICES.dataTransferOut.value * M,
      basis: `${bodyBytes} body bytes (measured) + ${ASSUMED.responseHeaderBytes} header bytes`,
    },
  ];
}

/** The two dearest items other than the provider wait, for the summary line. */
function largest(lines: Line[]): string {
  return [...lines]
    .filter((line) => !line.item.includes("provider wait"))
    .sort((a, b) => b.perMillion - a.perMillion)
    .slice(0, 2)
    .map((line) => `${line.item} (${usd(line.perMillion)})`)
    .join(" and ");
}

export function renderCostReport(run: BenchRun): string {
  const workloads = ["plain", "stream"];
  const lines = Object.fromEntries(workloads.map((w) => [w, linesFor(run, w)]));
  const totals = Object.fromEntries(
    workloads.map((w) => [w, (lines[w] ?? []).reduce((sum, line) => sum + line.perMillion, 0)]),
  );
  const perSecond = PROXY_MEMORY_GB * PRICES.lambdaArmGbSecond.value * 1e6;
  const rows = (workload: string) =>
    (lines[workload] ?? [])
      .map((line) => `| ${line.item} | ${usd(line.perMillion)} | ${line.basis} |`)
      .join("\n");
  return `# Cost per million requests on AWS

Generated by \`npm run bench\` (test/bench/report/cost.ts) from the run of ${run.startedAt} reported in
[benchmarks.md](benchmarks.md). Prices: us-east-1, on-demand list prices, no free tier, no savings plans; price list date
${PRICE_LIST_DATE}. Sources are listed at the end; numbers marked *assumed* are not measured here.

## Totals

| workload | per million requests | of which: provider wait billed by Lambda |
| --- | --- | --- |
${workloads
  .map((w) => {
    const wait = lines[w]?.find((l) => l.item.includes("provider wait"))?.perMillion ?? 0;
    return `| ${w} (${ASSUMED.providerWaitS[w]} s provider time assumed) | **${usd(totals[w] ?? 0)}** | ${usd(wait)} |`;
  })
  .join("\n")}

Every further second the provider takes adds ${usd(perSecond)} per million requests (the proxy Lambda is billed while it
waits at ${PROXY_MEMORY_GB * 1024} MB). Of the rest, the largest items for the plain completion are ${largest(lines.plain ?? [])}.

## Plain completion (~1 KB)

| item | per million | basis |
| --- | --- | --- |
${rows("plain")}

## Stream of ${run.config.streamChunks} chunks

| item | per million | basis |
| --- | --- | --- |
${rows("stream")}

## Assumptions

- Lambda arm64 at the stack's proxy memory (${PROXY_MEMORY_MB} MB, chosen from the memory table below) and log-writer memory (512 MB); the REST API is regional with
  Lambda response streaming, as infra/aws builds it. Responses are under 6 MB, so no streamed-bytes charge applies.
- Provider time is billed by the proxy Lambda (it waits, streaming): ${ASSUMED.providerWaitS.plain} s for the plain completion and
  ${ASSUMED.providerWaitS.stream} s for the stream are assumptions; the line scales linearly.
- The gateway's own duration is the handler CPU time measured in process on this machine (bundle, median machine of
  test/bench/children/handler-cpu.ts, log on with bodies), stretched by ${(VCPU_MEMORY_MB / PROXY_MEMORY_MB).toFixed(2)}: at ${PROXY_MEMORY_MB} MB Lambda allots
  ${PROXY_MEMORY_MB}/${VCPU_MEMORY_MB} of a vCPU. One core of this machine is taken as one Lambda vCPU (arm64 Graviton cores may differ either way).
- After the last byte the handler waits for SendMessage: ${ASSUMED.sqsSendS * 1e3} ms in region, assumed.
- Cold starts: ${ASSUMED.coldStartShare * 100}% of invocations, each billed the measured import + first request, stretched as above (Lambda
  bills the init phase).
- The gateway configuration is read with a strongly consistent GetItem (1 RRU) at most once per ${CONFIG_CACHE_TTL_S} s per instance
  (CONFIG_CACHE_TTL_MS); the admin token secret once per 5 minutes per instance (negligible).
- Item sizes are measured on the items the benchmark stored: the log item (its fields) and the body item apart
  (request and response bodies gzipped, shared/store/log-store.ts). Per log the log-writer
  (shared/logs/store-log-event.ts) writes the body item and the log item; per batch, it adds the batch's logs to the
  stored-log counter and to the hour and day analytics buckets (one update per bucket item) and records the applied
  steps once for the batch (a log records its own, with an UpdateItem billed on the whole log item, only after a
  failure).
- SQS: messages are far under 64 KB; ReceiveMessage returns up to 10 messages and the event source mapping deletes a
  batch with DeleteMessageBatch: ${ASSUMED.messagesPerLogWriterBatch} messages per batch assumed (full batches at steady load). The event source
  mapping's empty long polls are a fixed monthly cost (pollers × 3 a minute), not a per-request one.
- CloudWatch Logs: the API Gateway access log line of the stack's format (a sample line is ${ACCESS_LOG_SAMPLE.length} bytes), the proxy
  Lambda's START/END/REPORT lines (~${ASSUMED.platformLogBytes} bytes, assumed) and the log-writer's per batch; the proxy writes no
  application log line for a successful request (docs/logging.md). Storage ($0.03/GB-month) is left out.
- Data transfer out: response body plus ~${ASSUMED.responseHeaderBytes} bytes of headers to the internet.

${renderMemorySizing(run, PROXY_MEMORY_MB)}
${renderFrontComparison(run, CROSSOVER_SVG)}
## Prices and sources

| price | value | source |
| --- | --- | --- |
${Object.values(PRICES)
  .map((p) => `| ${p.unit} | ${p.value} | ${p.source} |`)
  .join("\n")}
`;
}

/** docs/cost.md (with the hand-written notes after the generated sections) and its crossover plot beside it. */
export function writeCostReport(run: BenchRun, path: string): void {
  const notes = existsSync(NOTES) ? `\n${readFileSync(NOTES, "utf8").trim()}\n` : "";
  writeFileSync(path, `${renderCostReport(run)}${notes}`);
  writeFileSync(join(dirname(path), CROSSOVER_SVG), renderCrossoverSvg(run));
}
