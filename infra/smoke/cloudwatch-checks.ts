import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentity } from "@smithy/types";
import { SigV4Signer } from "../../shared/aws/sigv4.ts";
import type { SmokeOptions } from "./smoke-options.ts";

export interface CloudWatchFindings {
  /** Why the checks did not run (not on AWS, no credentials); undefined when they ran. */
  skipped?: string;
  /** Failures, one line each; empty when the metrics and the dashboard are there. */
  failures: string[];
  /** What was found, for the report. */
  found: string[];
}

/** The region of an API Gateway URL (`{api}.execute-api.{region}.amazonaws.com`), else undefined. */
export function regionOfBaseUrl(baseUrl: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(new URL(baseUrl).hostname)?.[1];
}

/**
 * Checks in CloudWatch that the gateway's metrics namespace has metrics and that its dashboard exists
 * (ListMetrics, GetDashboard). Signed by hand with the default AWS credentials: the CloudWatch client is not
 * among the project's dependencies, and two read calls of the Query protocol do not need it.
 */
export async function checkCloudWatch(options: SmokeOptions): Promise<CloudWatchFindings> {
  const region = regionOfBaseUrl(options.baseUrl);
  if (!region) {
    return { skipped: "the base URL is not an API Gateway URL on AWS", failures: [], found: [] };
  }
  let credentials: AwsCredentialIdentity;
  try {
    credentials = await defaultProvider()();
  } catch {
    return {
      skipped: "no AWS credentials (set a profile or AWS_ACCESS_KEY_ID to check CloudWatch)",
      failures: [],
      found: [],
    };
  }
  const call = cloudWatchCaller(region, credentials);
  const findings: CloudWatchFindings = { failures: [], found: [] };

  const metrics = await call({ Action: "ListMetrics", Namespace: options.metricsNamespace });
  const names = new Set(
    [...metrics.body.matchAll(/<MetricName>([^<]+)<\/MetricName>/g)].map((match) => match[1]),
  );
  if (metrics.status !== 200)
    findings.failures.push(`ListMetrics: HTTP ${metrics.status} ${errorOf(metrics.body)}`);
  else if (names.size === 0) {
    findings.failures.push(
      `no metrics in namespace ${options.metricsNamespace} yet (CloudWatch lists new metrics up to 15 minutes after the first data point; run again later)`,
    );
  } else findings.found.push(`metrics in ${options.metricsNamespace}: ${[...names].sort().join(", ")}`);

  const dashboardName = `${options.stack}-gateway`;
  const dashboard = await call({ Action: "GetDashboard", DashboardName: dashboardName });
  if (dashboard.status === 200) findings.found.push(`dashboard ${dashboardName}`);
  else
    findings.failures.push(`dashboard ${dashboardName}: HTTP ${dashboard.status} ${errorOf(dashboard.body)}`);
  return findings;
}

function cloudWatchCaller(region: string, credentials: AwsCredentialIdentity) {
  const host = `monitoring.${region}.amazonaws.com`;
  const signer = new SigV4Signer(region, "monitoring");
  return async (parameters: Record<string, string>): Promise<{ status: number; body: string }> => {
    const body = new URLSearchParams({ ...parameters, Version: "2010-08-01" }).toString();
    const headers: Record<string, string> = {
      host,
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    };
    signer.sign({ method: "POST", path: "/", headers, body }, credentials);
    const { host: _host, ...sent } = headers;
    const response = await fetch(`https://${host}/`, { method: "POST", headers: sent, body });
    return { status: response.status, body: await response.text() };
  };
}

function errorOf(xml: string): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? "";
  const message = /<Message>([^<]+)<\/Message>/.exec(xml)?.[1] ?? "";
  return `${code} ${message}`.trim();
}
