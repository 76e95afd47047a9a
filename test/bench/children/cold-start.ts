/**
 * A fresh process that does what a new Lambda instance does with our proxy: import the bundle (module
 * init: environment parsing, SDK clients) and serve one request through a response stream. Bundled by
 * the harness with esbuild and run with plain `node` (the stack's proxy runs without
 * `--enable-source-maps`), so no TypeScript loader is in the timing. Prints one JSON line of timings (ms).
 *   node cold-start.mjs <bundle.mjs> <event.json>
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { installLambdaGlobals } from "../../../infra/local/lambda-globals.ts";
import { lambdaContext, TimingSink } from "./lambda-event.ts";

type Handler = (event: APIGatewayProxyEvent, stream: TimingSink, context: unknown) => Promise<void>;

/** Since the process started (performance.timeOrigin): Node's own boot and this script's load. */
const scriptStartedMs = performance.now();
const [bundlePath, eventPath] = process.argv.slice(2);
if (!bundlePath || !eventPath) throw new Error("usage: cold-start.mjs <bundle.mjs> <event.json>");
const event = JSON.parse(readFileSync(eventPath, "utf8")) as APIGatewayProxyEvent;
installLambdaGlobals();

const importStarted = performance.now();
const { handler } = (await import(pathToFileURL(bundlePath).href)) as { handler: Handler };
const imported = performance.now();
const sink = new TimingSink();
await handler(event, sink, lambdaContext());
const returned = performance.now();

console.log(
  JSON.stringify({
    nodeBootMs: scriptStartedMs,
    importMs: imported - importStarted,
    firstByteMs: sink.firstBodyByteAt - imported,
    lastByteMs: sink.finishedAt - imported,
    handlerReturnMs: returned - imported,
    statusCode: sink.prelude.statusCode ?? 0,
    bytes: sink.bytes,
  }),
);
