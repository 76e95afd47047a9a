import { parseArgs } from "node:util";

export interface SmokeOptions {
  /** The gateway's base URL: the stack's `BaseUrl` output (stage included), or `npm start`'s URL. */
  baseUrl: string;
  /** The admin token (it may run requests and read logs), or an API token with the run and read scopes. */
  token: string;
  accountId: string;
  gatewayId: string;
  /** `{provider}/{model}` with a key stored on the gateway, or a platform model (`@cf/...`). */
  model: string;
  /** The CloudFormation stack name: the dashboard is `{stack}-gateway`. */
  stack: string;
  metricsNamespace: string;
  /** More request headers, `name:value`, for the chat request. */
  headers: Record<string, string>;
  logTimeoutMs: number;
}

export const SMOKE_HELP = `Usage: npm run smoke -- --base-url URL --token TOKEN [options]

Checks a deployed gateway: streams a chat completion through the REST surface (a key stored on the gateway,
or a platform model), checks that the chunks arrive apart (nothing buffers the stream), that its log is
stored, and on AWS that the CloudWatch metrics and the dashboard exist. Prints each check; exit code 1 when
one failed, 2 on bad options.

Options:
  --base-url URL        The stack's BaseUrl output (stage included), or http://127.0.0.1:8787 for npm start.
  --token TOKEN         The admin token, or an API token with the run and read scopes.
  --account ID          The account id in URLs: your AWS account id on AWS (default: "local" for a
                        gateway on this machine; required otherwise).
  --gateway ID          The gateway (default: default).
  --model MODEL         {provider}/{model} with a stored key, or a platform model (default: openai/gpt-4o-mini).
  --stack NAME          The stack name, for the dashboard {stack}-gateway (default: AiGateway).
  --metrics-namespace NS  The metrics namespace (default: AiGateway).
  --header NAME:VALUE   One more header for the chat request (repeatable).
  --log-timeout SECONDS How long to wait for the log (default: 30).
  -h, --help            Print this help and exit.

On AWS the CloudWatch checks use the default AWS credentials and the region in the base URL; without
credentials they are skipped with a message.`;

/** Parses the arguments; throws an Error whose message is one line for the user on bad input. */
export function parseSmokeOptions(args: string[]): SmokeOptions | "help" {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "base-url": { type: "string" },
      token: { type: "string" },
      account: { type: "string" },
      gateway: { type: "string", default: "default" },
      model: { type: "string", default: "openai/gpt-4o-mini" },
      stack: { type: "string", default: "AiGateway" },
      "metrics-namespace": { type: "string", default: "AiGateway" },
      header: { type: "string", multiple: true, default: [] },
      "log-timeout": { type: "string", default: "30" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const baseUrl = values["base-url"];
  if (!baseUrl || !URL.canParse(baseUrl))
    throw new Error("--base-url must be the gateway's URL (https://...)");
  if (!values.token)
    throw new Error("--token is required (the admin token, or an API token with run and read)");
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(baseUrl).hostname);
  const accountId = values.account ?? (local ? "local" : undefined);
  if (!accountId)
    throw new Error("--account is required: your AWS account id (the account in the gateway's URLs)");
  const logTimeoutSeconds = Number(values["log-timeout"]);
  if (!Number.isFinite(logTimeoutSeconds) || logTimeoutSeconds <= 0) {
    throw new Error("--log-timeout must be a number of seconds above 0");
  }
  const headers: Record<string, string> = {};
  for (const header of values.header) {
    const colon = header.indexOf(":");
    if (colon < 1) throw new Error(`--header must be NAME:VALUE, got "${header}"`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return {
    baseUrl: baseUrl.replace(/\/+$/, ""),
    token: values.token,
    accountId,
    gatewayId: values.gateway,
    model: values.model,
    stack: values.stack,
    metricsNamespace: values["metrics-namespace"],
    headers,
    logTimeoutMs: logTimeoutSeconds * 1000,
  };
}
