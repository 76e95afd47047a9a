import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { type BundlePart, bundleComposition, zodLocaleBytes } from "./bundle-composition.ts";

/** The banner of infra/aws/constructs/gateway-function.ts: a `require` for bundled CommonJS in ESM. */
const REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export interface BundleResult {
  file: string;
  bytes: number;
  mapBytes: number;
  gzipBytes: number;
  buildMs: number;
  /** By package or folder, largest first (absent in runs before issue 24). */
  composition?: BundlePart[];
  /** Of the bytes, zod's locales. */
  zodLocaleBytes?: number;
}

/**
 * Bundles our proxy handler as the stack does (infra/aws/constructs/gateway-function.ts: esbuild, ESM,
 * minified, UTF-8, target node22, platform node, external source map without sources, the AWS SDK bundled,
 * module before main) into `outDir/index.mjs`.
 */
export async function bundleProxy(repositoryRoot: string, outDir: string): Promise<BundleResult> {
  const file = `${outDir}/index.mjs`;
  const started = performance.now();
  const result = await build({
    entryPoints: [`${repositoryRoot}functions/proxy/handler.ts`],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    charset: "utf8",
    banner: { js: REQUIRE_BANNER },
    mainFields: ["module", "main"],
    tsconfig: `${repositoryRoot}tsconfig.json`,
    logLevel: "error",
    metafile: true,
  });
  const buildMs = performance.now() - started;
  return {
    file,
    bytes: statSync(file).size,
    mapBytes: statSync(`${file}.map`).size,
    gzipBytes: gzipSync(readFileSync(file), { level: 9 }).byteLength,
    buildMs,
    composition: bundleComposition(result.metafile),
    zodLocaleBytes: zodLocaleBytes(result.metafile),
  };
}

/** The cold-start child, bundled to plain JavaScript so that `node` runs it without a loader. */
export function bundleColdStartChild(benchDir: string, outDir: string): Promise<string> {
  return bundleChild(benchDir, outDir, "cold-start");
}

/** A child of children/, bundled to plain JavaScript (`outDir/<name>.mjs`) so that `node` runs it without a loader. */
export async function bundleChild(benchDir: string, outDir: string, name: string): Promise<string> {
  const file = `${outDir}/${name}.mjs`;
  await build({
    entryPoints: [`${benchDir}children/${name}.ts`],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
  });
  return file;
}
