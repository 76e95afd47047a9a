import { accessLogLine } from "./access-log.ts";
import { startBanner } from "./banner.ts";
import { helpText, parseCliArgs } from "./cli-options.ts";
import { defaultFrontWorkers } from "./front-pool.ts";
import { startLocalGateway } from "./server.ts";

/**
 * `npm start`: the gateway on http://127.0.0.1:8787 with embedded DynamoDB (dynalite, kept under .data/)
 * and SQS (fauxqs). The options are in cli-options.ts (`npm start -- --help` prints them).
 */
const parsed = parseCliArgs(process.argv.slice(2));
if (parsed.kind === "help") {
  console.log(helpText());
  process.exit(0);
}
if (parsed.kind === "usage-error") {
  console.error(parsed.message);
  process.exit(2);
}
const values = parsed.settings;

// The AWS SDK warns at every start that its 2027 releases need Node 22 (this machine runs Node 20, the
// Lambda runtime Node 22): not news a user of `npm start` can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const port = Number(values.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port "${values.port ?? process.env.PORT}": expected a number from 0 to 65535`);
  process.exit(2);
}

const workers = Number(values.workers ?? process.env.AIG_WORKERS ?? defaultFrontWorkers());
if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
  console.error(
    `Invalid worker count "${values.workers ?? process.env.AIG_WORKERS}": expected a number from 1 to 64`,
  );
  process.exit(2);
}

// JSON lines when the output is not a terminal (a pipe, a file, a log collector), unless told otherwise.
const logFormat = values.logFormat ?? (process.stdout.isTTY ? "pretty" : "json");
const color = logFormat === "pretty" && process.stdout.isTTY === true && !process.env.NO_COLOR;
// The handlers' own logs (Powertools) follow the access log: indented for reading with `pretty`
// (Powertools' dev mode, which the handlers' processes inherit), one JSON object a line otherwise, as on AWS.
if (logFormat === "pretty" && process.env.POWERTOOLS_DEV === undefined) process.env.POWERTOOLS_DEV = "true";

const gateway = await startLocalGateway({
  port,
  dataDir: values.memory ? null : values.dataDir,
  workers,
  onAccess: values.quiet ? undefined : (record) => console.log(accessLogLine(record, logFormat, color)),
}).catch((error: unknown) => {
  const text = error instanceof Error ? error.message : String(error);
  console.error(
    text.includes("EADDRINUSE")
      ? `Port ${port} is in use: stop what listens there, or pick another port with --port N.`
      : `The gateway could not start: ${text}`,
  );
  process.exit(1);
});
console.log(
  startBanner({
    gateway,
    storage: values.memory ? "in memory (--memory)" : `${values.dataDir}/`,
    workers,
    accessLog: values.quiet ? null : logFormat,
    env: process.env,
  }),
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping...");
  await gateway.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
process.on("SIGHUP", stop);
stopWhenOrphaned(stop);

/**
 * Stops the gateway when the process that started it goes away. systemd and `docker stop` send SIGTERM to
 * npm alone; npm passes it to the shell that runs this script, and the shell dies without passing it on,
 * which left the gateway and its children serving. Orphaned, this process is adopted by init (or a
 * subreaper), so its parent id changes: checked twice a second, on a timer that keeps nothing alive.
 */
function stopWhenOrphaned(onOrphaned: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, 500);
  timer.unref();
}
