import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { type ICommandHooks, NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** The repository root: entries, the lock file and tsconfig.json are resolved from it, whatever the cwd. */
const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Bundled ESM needs `require` for the CommonJS dependencies esbuild inlines (parts of the AWS SDK and
 * Powertools call `require("node:...")` at run time); ESM has no `require`, so the banner provides one.
 */
const REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export type PowertoolsLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export interface GatewayFunctionProps {
  /** Path from the repository root to the handler module, e.g. "functions/proxy/handler.ts". */
  entry: string;
  /** The Powertools service name, which tags every log line and metric of this function. */
  serviceName: string;
  timeout: Duration;
  memorySize: number;
  logRetention: RetentionDays;
  logLevel: PowertoolsLogLevel;
  tracing: boolean;
  /** The CloudWatch namespace of the function's EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
  metricsNamespace: string;
  environment: Record<string, string>;
  description: string;
  /**
   * `NODE_OPTIONS=--enable-source-maps`: stack traces in the log point at the TypeScript sources instead of
   * the minified bundle, at a cost on start and on every stack trace. @default true
   */
  sourceMapsInStackTraces?: boolean;
  /** Concurrency reserved for (and capping) this function. @default none: the account's unreserved pool */
  reservedConcurrentExecutions?: number | undefined;
  /** Shell commands run in the repository root after esbuild, to add files to the bundle (outputDir). */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * One gateway Lambda: Node.js 22 (the runtime the project pins; see nag-suppressions.ts), on arm64 (Graviton
 * is ~20% cheaper per GB-second, and the gateway mostly waits on providers, so memory-time is the bill),
 * bundled locally by esbuild (no Docker) into one minified ESM file, with its own log group so retention is
 * set by the stack rather than "never expire".
 *
 * Its role is its own, without the AWSLambdaBasicExecutionRole managed policy (which allows creating and
 * writing any log group in the account): it may write to this function's log group only. The caller adds
 * the rest, grant by grant.
 */
export class GatewayFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, "LogGroup", {
      retention: props.logRetention,
      // Function logs are diagnostics, not records (the request logs live in DynamoDB).
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, "ServiceRole", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.serviceName}`,
    });
    // logs:CreateLogStream and logs:PutLogEvents on this log group (and its streams), nothing else.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      description: props.description,
      role: this.role,
      entry: `${REPOSITORY_ROOT}${props.entry}`,
      handler: "handler",
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        // Powertools Tracer: off unless the function is traced, so it sends nothing when no one collects it.
        POWERTOOLS_TRACE_ENABLED: String(props.tracing),
        // Stack traces that point at the TypeScript sources instead of the minified bundle.
        ...((props.sourceMapsInStackTraces ?? true) ? { NODE_OPTIONS: "--enable-source-maps" } : {}),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        // The map only needs line mappings; embedding the sources would double its size for nothing.
        sourcesContent: false,
        // Non-ASCII text as UTF-8 rather than \uXXXX escapes: the proxy bundle is ~70 KB (5%) smaller, less to
        // read and parse at cold start (Node reads sources as UTF-8; docs/benchmarks.md, bundle composition).
        // Through esbuildArgs: this CDK version's local bundling does not pass its `charset` option to esbuild.
        esbuildArgs: { "--charset": "utf8" },
        target: "node22",
        banner: REQUIRE_BANNER,
        // Prefer the ESM builds of dependencies: they tree-shake, CommonJS builds do not.
        mainFields: ["module", "main"],
        // Bundle the AWS SDK rather than use the runtime's copy: the code then runs on AWS with the exact
        // versions the tests ran against, and a tree-shaken bundle loads faster than the runtime's full SDK.
        bundleAwsSDK: true,
        tsconfig: `${REPOSITORY_ROOT}tsconfig.json`,
        ...(props.afterBundling ? { commandHooks: afterBundlingHooks(props.afterBundling) } : {}),
      },
    });
  }
}

function afterBundlingHooks(afterBundling: (outputDir: string) => string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => afterBundling(outputDir),
  };
}
