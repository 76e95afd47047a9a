/**
 * Child process: our gateway through the local runtime of `npm start` (startLocalGateway, with its front
 * processes), with the default gateway settings (logging on), every OpenAI call sent to the mock. DynamoDB and SQS come from
 * the emulators' process (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS, set by the harness).
 * Prints one JSON line {url, accountId, adminToken, env} when listening.
 */
import { interceptLocalhostDns } from "fauxqs";
import { defaultFrontWorkers } from "../../../infra/local/front-pool.ts";
import { startLocalGateway } from "../../../infra/local/server.ts";

const upstream = process.env.BENCH_UPSTREAM_URL;
const adminToken = process.env.BENCH_ADMIN_TOKEN;
if (!upstream || !adminToken) throw new Error("BENCH_UPSTREAM_URL and BENCH_ADMIN_TOKEN are required");
// fauxqs's queue URLs name sqs.<region>.localhost; the embedded runtime resolves that host to loopback
// in its own process, and so does this one, since its emulators run in another process.
interceptLocalhostDns();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const before = { ...process.env };
const gateway = await startLocalGateway({
  port: 0,
  dataDir: null,
  adminToken,
  env: { UPSTREAM_OPENAI_URL: `${upstream}/v1` },
  // As many front processes as `npm start` runs here (AIG_WORKERS overrides, as it does for npm start).
  workers: Number(process.env.AIG_WORKERS ?? defaultFrontWorkers()),
});
// Everything the local runtime set for its handlers (and the endpoints it was given), so that the harness's
// in-process children (cold start, handler CPU) run the proxy handler with the same configuration.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && (before[entry[0]] !== entry[1] || /^(AWS_|UPSTREAM_)/.test(entry[0])),
  ),
);
console.log(JSON.stringify({ url: gateway.url, accountId: gateway.accountId, adminToken, env }));
process.once("SIGTERM", () => {
  gateway.stop().finally(() => process.exit(0));
});
