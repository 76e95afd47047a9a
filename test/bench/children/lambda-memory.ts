/**
 * A fresh process that holds what one Lambda instance of our proxy holds, to size its memory: node with the
 * bundle imported, one plain request, one large stream, one request with a body near the proxy's limit
 * (MAX_REQUEST_BODY_BYTES), then many streams open at once (what one process
 * serving many requests, as a container would, holds per open stream). Bundled by the harness with esbuild and
 * run with plain `node` at V8's default heap limits, so the figures are an upper bound: Lambda's runtime
 * bootstrap sets smaller heap limits from the function's memory size, which only makes V8 collect sooner.
 * Prints one JSON line of RSS figures (MiB).
 *   node lambda-memory.mjs <bundle.mjs> <events.json> <open streams>
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { installLambdaGlobals } from "../../../infra/local/lambda-globals.ts";
import { lambdaContext, nextInvocation, TimingSink } from "./lambda-event.ts";

type Handler = (event: APIGatewayProxyEvent, stream: TimingSink, context: unknown) => Promise<void>;

const MiB = 2 ** 20;

/** VmRSS and VmHWM of this process from /proc (Linux), MiB. */
function memory(): { rss: number; hwm: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: (kb("VmRSS") * 1024) / MiB, hwm: (kb("VmHWM") * 1024) / MiB };
}

/** The highest RSS seen while `work` runs, sampled every 5 ms (the timer runs between the stream's chunks). */
async function peakRssDuring(work: () => Promise<unknown>): Promise<number> {
  let peak = memory().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, memory().rss);
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, memory().rss);
}

const runtimeBaseline = memory().rss;
const [bundlePath, eventsPath, openArg] = process.argv.slice(2);
const openStreams = Number(openArg);
if (!bundlePath || !eventsPath || !Number.isInteger(openStreams)) {
  throw new Error("usage: lambda-memory.mjs <bundle.mjs> <events.json> <open streams>");
}
const events = JSON.parse(readFileSync(eventsPath, "utf8")) as Record<
  "plain" | "big" | "large" | "open",
  APIGatewayProxyEvent
>;
installLambdaGlobals();
const { handler } = (await import(pathToFileURL(bundlePath).href)) as { handler: Handler };
const afterImport = memory().rss;

async function invoke(event: APIGatewayProxyEvent): Promise<number> {
  const sink = new TimingSink();
  await handler(nextInvocation(event), sink, lambdaContext());
  if (sink.prelude.statusCode !== 200) throw new Error(`status ${sink.prelude.statusCode}`);
  return sink.bytes;
}

await invoke(events.plain);
const afterPlain = memory();
let bigBytes = 0;
const bigPeak = await peakRssDuring(async () => {
  bigBytes = await invoke(events.big);
});
const afterBig = memory();
await peakRssDuring(() => invoke(events.large));
const afterLarge = memory();
const beforeOpen = memory().rss;
const openPeak = await peakRssDuring(() =>
  Promise.all(Array.from({ length: openStreams }, () => invoke(events.open))),
);

console.log(
  JSON.stringify({
    runtimeBaselineMiB: runtimeBaseline,
    afterImportMiB: afterImport,
    afterPlainMiB: afterPlain.rss,
    bigStreamBytes: bigBytes,
    bigStreamRssBeforeMiB: afterPlain.rss,
    bigStreamPeakMiB: Math.max(bigPeak, afterBig.hwm),
    largeRequestBodyBytes: Buffer.from(events.large.body ?? "", "base64").byteLength,
    largeRequestPeakMiB: afterLarge.hwm,
    openStreams,
    openStreamsRssBeforeMiB: beforeOpen,
    openStreamsPeakMiB: openPeak,
    perOpenStreamMiB: (openPeak - beforeOpen) / openStreams,
  }),
);
