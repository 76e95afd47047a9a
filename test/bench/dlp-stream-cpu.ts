/**
 * The streamed DLP check's own CPU, in process: the bench's 50-delta chat stream (53 SSE events, as the DLP cell's
 * mock sends it) through the SSE check (splitter, JSON.parse, held events, scanner), and its 50 texts through the
 * StreamScanner alone, with every built-in profile on (FLAG). A warm loop, so read it for before/after, not as the
 * proxy's figure. An optional checkout path measures that tree instead (alternate the two on a shared machine):
 *   node --import tsx test/bench/dlp-stream-cpu.ts [/path/to/other/checkout]
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL("../..", import.meta.url));
const { createSseDlpStream } = await import(`${root}/shared/checks/dlp/sse-dlp-stream.ts`);
const { StreamScanner } = await import(`${root}/shared/checks/dlp/stream-scanner.ts`);
const { buildScanPlan } = await import(`${root}/shared/checks/dlp/scan-plan.ts`);
const { PREDEFINED_PROFILES } = await import(`${root}/shared/checks/dlp/predefined-profiles.ts`);
const { responseBlocked } = await import(`${root}/shared/checks/dlp/dlp-errors.ts`);
const { mockChunkTexts } = await import(`${root}/test/mock-upstream/constants.ts`);

const plan = buildScanPlan(
  {
    enabled: true,
    policies: [
      {
        id: "all",
        enabled: true,
        action: "FLAG",
        check: ["REQUEST", "RESPONSE"],
        profiles: (PREDEFINED_PROFILES as { id: string }[]).map((profile) => profile.id),
      },
    ],
  },
  "RESPONSE",
);
const texts: string[] = mockChunkTexts(50, 0);
const chunk = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
const event = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const encoder = new TextEncoder();
const events = [
  event({ role: "assistant", content: "" }),
  ...texts.map((content) => event({ content })),
  event({}, "stop"),
  "data: [DONE]\n\n",
].map((text) => encoder.encode(text));
const controller = { enqueue() {}, terminate() {}, error() {} };
const callbacks = { onHits() {}, blockedError: responseBlocked, onBlocked() {} };

function sseStream(): void {
  const transformer = createSseDlpStream(plan, callbacks, null);
  for (const bytes of events) transformer.transform(bytes, controller);
  transformer.flush(controller);
}

function scannerAlone(): void {
  const scanner = new StreamScanner(plan);
  for (const text of texts) scanner.push(text);
  scanner.end();
}

function cpuPerCall(run: () => void, count: number): number {
  for (let i = 0; i < count / 3; i++) run();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rounds = { sse: [] as number[], scanner: [] as number[] };
for (let round = 0; round < 5; round++) {
  rounds.sse.push(cpuPerCall(sseStream, 3_000));
  rounds.scanner.push(cpuPerCall(scannerAlone, 5_000));
}
console.log(
  `${root}: ${median(rounds.sse).toFixed(1)} µs of CPU per 53-event SSE stream, ` +
    `${median(rounds.scanner).toFixed(1)} µs in the StreamScanner alone (medians of 5 rounds)`,
);
