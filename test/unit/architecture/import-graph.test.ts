import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycles, readImportGraph } from "../../support/import-graph.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const graph = readImportGraph(root, ["shared", "functions", "infra"]);
const sharedFiles = [...graph].filter(([file]) => file.startsWith("shared/"));

/**
 * DESIGN.md: shared/ never imports node:http; only functions/ and infra/ serve HTTP. These files are
 * outbound clients, not servers, and use node:http on purpose.
 */
const NODE_HTTP_ALLOWED: Record<string, string> = {
  // The provider call on every request's path: about half the CPU of Node's fetch (docs/benchmarks.md).
  "shared/http/http-fetch.ts": "outbound client for provider calls",
  // The hand-written SQS sender behind the SqsSendClient seam, on keep-alive node:http(s) agents.
  "shared/queue/lean-sqs-client.ts": "outbound client for SQS",
  // Only the IncomingHttpHeaders type of the SQS response the client above reads.
  "shared/queue/sqs-error.ts": "reads the SQS client's response headers",
};

describe("the import graph of shared/, functions/ and infra/", () => {
  it("reads the sources it checks", () => {
    expect(graph.has("shared/core/handle-provider-request.ts")).toBe(true);
    expect(graph.has("functions/proxy/handler.ts")).toBe(true);
    expect(graph.has("infra/local/server.ts")).toBe(true);
  });

  it("has no import cycle, type-only imports included", () => {
    const cycles = findCycles(graph).map((cycle) => cycle.join(" -> "));
    expect(cycles).toEqual([]);
  });

  it("keeps aws-lambda types out of shared/", () => {
    const offenders = sharedFiles
      .filter(([, facts]) =>
        facts.packageImports.some((name) => name === "aws-lambda" || name.startsWith("@types/aws-lambda")),
      )
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it("keeps the awslambda global out of shared/", () => {
    const offenders = sharedFiles.filter(([, facts]) => facts.namesAwsLambdaGlobal).map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it("keeps node:http out of shared/ except in the outbound clients listed with their reason", () => {
    const offenders = sharedFiles
      .filter(([, facts]) => facts.packageImports.some((name) => name === "node:http" || name === "http"))
      .map(([file]) => file)
      .filter((file) => !(file in NODE_HTTP_ALLOWED));
    expect(offenders).toEqual([]);
  });
});
