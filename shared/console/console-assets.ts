import { readFile } from "node:fs/promises";

/** One built file of the console: what it is served as and its bytes. */
export interface ConsoleFile {
  contentType: string;
  base64: string;
}

/** The built console: index.html (naming the hashed files) and the files under /console/, by name. */
export interface ConsoleAssets {
  index: string;
  files: Record<string, ConsoleFile>;
}

/**
 * Where the CDK bundling puts the built console: next to the api handler's index.mjs
 * (infra/aws/constructs/ai-gateway.ts runs console/build.ts after bundling). From the sources (npm start,
 * the tests) the file is not there, and the console is built from console/ with esbuild instead.
 */
const BUNDLED_MANIFEST = new URL("./console/manifest.json", import.meta.url);

/**
 * The console's assets, loaded once and shared by every request of the instance. The build module's
 * path is computed so that esbuild leaves it out of the Lambda bundle (esbuild itself cannot be bundled,
 * and the Lambda reads the manifest instead).
 */
export function consoleAssetsLoader(): () => Promise<ConsoleAssets> {
  let loading: Promise<ConsoleAssets> | undefined;
  return () => {
    loading ??= loadConsoleAssets().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

async function loadConsoleAssets(): Promise<ConsoleAssets> {
  const manifest = await readFile(BUNDLED_MANIFEST, "utf8").catch(() => undefined);
  if (manifest !== undefined) return JSON.parse(manifest) as ConsoleAssets;
  const buildModule = new URL("../../console/build.ts", import.meta.url).href;
  const { buildConsoleAssets } = (await import(buildModule)) as {
    buildConsoleAssets(): Promise<ConsoleAssets>;
  };
  return buildConsoleAssets();
}
