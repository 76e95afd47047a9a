import { type ParseArgsConfig, parseArgs } from "node:util";

type OptionConfig = NonNullable<ParseArgsConfig["options"]>[string];

interface CliOption {
  config: OptionConfig;
  /** What the help text shows after `--name`, for options that take a value. */
  value?: string;
  description: string;
}

/**
 * THE options of `npm start`: the parser reads their config, `--help` prints their descriptions, and a test
 * checks that README.md names each of them. A new option is one entry here.
 */
export const CLI_OPTIONS = {
  port: {
    config: { type: "string" },
    value: "N",
    description: "Port to listen on, on 127.0.0.1 (default: PORT, else 8787; 0 picks a free one).",
  },
  memory: {
    config: { type: "boolean", default: false },
    description: "Keep nothing: tables and queues in memory, gone at exit.",
  },
  "data-dir": {
    config: { type: "string", default: ".data" },
    value: "DIR",
    description: "Where tables, queue journal, log bodies, admin token and master key live (default: .data).",
  },
  workers: {
    config: { type: "string" },
    value: "N",
    description: "Processes serving requests (default: AIG_WORKERS, else one per core, up to 4).",
  },
  "log-format": {
    config: { type: "string" },
    value: "FORMAT",
    description: "Access log as `pretty` lines (default on a terminal) or `json` lines (default otherwise).",
  },
  quiet: {
    config: { type: "boolean", default: false },
    description: "No access log lines (the banner and errors are still printed).",
  },
  help: {
    config: { type: "boolean", short: "h", default: false },
    description: "Print this help and exit.",
  },
} satisfies Record<string, CliOption>;

export type LogFormat = "pretty" | "json";

export interface CliSettings {
  port: string | undefined;
  memory: boolean;
  dataDir: string;
  workers: string | undefined;
  /** Undefined: chosen by whether stdout is a terminal. */
  logFormat: LogFormat | undefined;
  quiet: boolean;
}

export type CliParse =
  | { kind: "run"; settings: CliSettings }
  | { kind: "help" }
  /** One line for stderr; the caller exits with code 2, as for any usage error. */
  | { kind: "usage-error"; message: string };

const LOG_FORMATS: readonly string[] = ["pretty", "json"];

export function parseCliArgs(args: readonly string[]): CliParse {
  const options = Object.fromEntries(
    Object.entries(CLI_OPTIONS).map(([name, option]) => [name, option.config]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    return { kind: "usage-error", message: usageMessage(error) };
  }
  if (values.help) return { kind: "help" };
  const logFormat = values["log-format"] as string | undefined;
  if (logFormat !== undefined && !LOG_FORMATS.includes(logFormat)) {
    return {
      kind: "usage-error",
      message: `Invalid --log-format "${logFormat}": expected pretty or json. Run with --help for the options.`,
    };
  }
  return {
    kind: "run",
    settings: {
      port: values.port as string | undefined,
      memory: values.memory === true,
      dataDir: (values["data-dir"] as string | undefined) ?? ".data",
      workers: values.workers as string | undefined,
      logFormat: logFormat as LogFormat | undefined,
      quiet: values.quiet === true,
    },
  };
}

/**
 * parseArgs's messages name the option, then explain in a sentence meant for programmers (`To specify a
 * positional argument starting with a '-', place it at the end...`): the first sentence is what a user needs.
 */
function usageMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split(/\.\s/)[0]?.replace(/\.$/, "") ?? text;
  return `${first}. Run with --help for the options.`;
}

export function helpText(): string {
  const rows = Object.entries(CLI_OPTIONS).map(([name, option]) => {
    const short = "short" in option.config ? `-${option.config.short}, ` : "";
    const value = "value" in option ? ` ${option.value}` : "";
    return [`  ${short}--${name}${value}`, option.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return `Usage: npm start -- [options]

The AI gateway on this machine: the proxy and management API on http://127.0.0.1:8787, with embedded
DynamoDB and SQS. Each request gets one line on the console (the access log).

Options:
${rows.map(([flag, description]) => flag.padEnd(width) + description).join("\n")}

Environment: AIG_API_TOKEN (the admin token), UPSTREAM_<SLUG>_URL (send a provider's calls elsewhere),
TRUSTED_UPSTREAM_HOSTS, PORT, AIG_WORKERS; see README.md.`;
}
