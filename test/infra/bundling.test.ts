import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import type { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { afterAll, describe, expect, it } from "vitest";
import { GatewayStack } from "../../infra/aws/gateway-stack.ts";
import { cdkJsonContext } from "./synth-gateway.ts";

const MAX_PROXY_BUNDLE_BYTES = 1.5 * 1024 * 1024;

/**
 * The one synth with real esbuild bundling (no Docker): it keeps the bundling settings honest (the
 * handlers resolve, ESM output loads, the bundle stays small enough for fast cold starts).
 */
describe("real synth with bundling", () => {
  const outdir = mkdtempSync(join(tmpdir(), "ai-gateway-cdk-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  /** The directory of a function's bundled asset in the cloud assembly. */
  const assetDirectory = (stack: GatewayStack, fn: NodejsFunction): string => {
    const code = stack.resolve((fn.node.defaultChild as CfnFunction).code) as { s3Key: string };
    return join(outdir, `asset.${code.s3Key.replace(/\.zip$/, "")}`);
  };

  it("bundles the three handlers into ESM, the proxy under 1.5 MB, the console beside the api handler", {
    timeout: 120_000,
  }, () => {
    const app = new App({ outdir, context: cdkJsonContext() });
    const stack = new GatewayStack(app, "AiGateway");
    app.synth();

    const { proxyFunction, apiFunction, logWriterFunction } = stack.gateway;
    for (const fn of [proxyFunction, apiFunction, logWriterFunction]) {
      const bundle = join(assetDirectory(stack, fn), "index.mjs");
      expect(existsSync(bundle), `${fn.node.path}: ${bundle}`).toBe(true);
      const code = readFileSync(bundle, "utf8");
      // The banner that gives bundled CommonJS dependencies a `require` in ESM.
      expect(code.startsWith("import { createRequire } from 'module';")).toBe(true);
      expect(code).toMatch(
        /export\s*\{[^}]*\bhandler\b[^}]*\}|export\s+(?:const|async function|function)\s+handler\b/,
      );
      expect(existsSync(`${bundle}.map`)).toBe(true);
    }

    // The web console the api function serves (shared/console/console-assets.ts reads it from there).
    const manifest = join(assetDirectory(stack, apiFunction), "console", "manifest.json");
    expect(existsSync(manifest), manifest).toBe(true);
    const consoleAssets = JSON.parse(readFileSync(manifest, "utf8")) as { index: string; files: object };
    expect(consoleAssets.index).toContain('<script type="module" src="console/app-');
    expect(Object.keys(consoleAssets.files).length).toBe(2);
    // The console's esbuild stays out of the Lambda bundle (it is loaded only from the sources).
    expect(readFileSync(join(assetDirectory(stack, apiFunction), "index.mjs"), "utf8")).not.toContain(
      "esbuild",
    );

    const proxyBundle = join(assetDirectory(stack, proxyFunction), "index.mjs");
    const size = statSync(proxyBundle).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(MAX_PROXY_BUNDLE_BYTES);
    // Non-ASCII text (zod's locales above all) written as UTF-8, not as \uXXXX escapes: ~70 KB less to load.
    // A few escapes remain where UTF-8 cannot stand (regular expressions, lone surrogates).
    const escapes = readFileSync(proxyBundle, "utf8").match(/\\u[0-9a-fA-F]{4}/g) ?? [];
    expect(escapes.length).toBeLessThan(100);
  });
});
