import { parseArgs } from "node:util";
import { defaultFrontWorkers } from "./front-pool.ts";
import { startLocalGateway } from "./server.ts";

/**
 * `npm start`: the gateway on http://127.0.0.1:8787 with embedded DynamoDB (dynalite, kept under .data/)
 * and SQS (fauxqs). `--memory` keeps nothing; `--port N` or PORT picks the port; `--workers N` or
 * AIG_WORKERS the number of front processes (one per core by default, up to 4).
 */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    memory: { type: "boolean", default: false },
    "data-dir": { type: "string", default: ".data" },
    workers: { type: "string" },
  },
});

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

const gateway = await startLocalGateway({
  port,
  dataDir: values.memory ? null : (values["data-dir"] ?? ".data"),
  workers,
}).catch((error: unknown) => {
  const text = error instanceof Error ? error.message : String(error);
  console.error(
    text.includes("EADDRINUSE")
      ? `Port ${port} is in use: stop what listens there, or pick another port with --port N.`
      : `The gateway could not start: ${text}`,
  );
  process.exit(1);
});
const base = `${gateway.url}/v1/${gateway.accountId}/default`;
// The token is a secret: shown once when it is generated, otherwise only where to find it.
const tokenLine =
  gateway.adminTokenSource === "generated"
    ? `export AIG_API_TOKEN=${gateway.adminToken}   (generated now${gateway.adminTokenFile ? `, kept in ${gateway.adminTokenFile}` : ""})`
    : gateway.adminTokenSource === "file"
      ? `export AIG_API_TOKEN=$(cat ${gateway.adminTokenFile})`
      : "from AIG_API_TOKEN";
console.log(`AI gateway running at ${gateway.url}
  account id:   ${gateway.accountId}
  admin token:  ${tokenLine}
  storage:      ${values.memory ? "in memory (--memory)" : `${values["data-dir"]}/`}
  processes:    ${workers} serving requests (--workers)

Try a first request (your own OpenAI key, sent on to OpenAI unchanged):
  curl ${base}/openai/chat/completions \\
    -H "cf-aig-authorization: Bearer $AIG_API_TOKEN" \\
    -H "Authorization: Bearer $OPENAI_API_KEY" -H "content-type: application/json" \\
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'

Then read its log:
  curl ${gateway.url}/client/v4/accounts/${gateway.accountId}/ai-gateway/gateways/default/logs \\
    -H "Authorization: Bearer $AIG_API_TOKEN"

Ctrl-C (or SIGTERM) stops the gateway.`);

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
