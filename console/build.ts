import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { ConsoleAssets, ConsoleFile } from "../shared/console/console-assets.ts";

const CONSOLE_DIRECTORY = fileURLToPath(new URL("./", import.meta.url));

/** What each built file is served as; esbuild emits only these. */
const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * Bundles the console (console/src/main.tsx and the CSS it imports) with the project's esbuild, in memory:
 * one JS and one CSS file named by their content hash (served as immutable), and index.html naming them.
 * The api Lambda serves the result (shared/console/); `npm start` and the tests build it at the first
 * request, the CDK bundling writes it next to the api handler (main() below).
 */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: [join(CONSOLE_DIRECTORY, "src/main.tsx")],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: ["chrome120", "firefox120", "safari17"],
    jsx: "automatic",
    jsxImportSource: "preact",
    outdir: join(CONSOLE_DIRECTORY, "out"),
    entryNames: "app-[hash]",
    legalComments: "none",
    logLevel: "silent",
  });
  const files: Record<string, ConsoleFile> = {};
  for (const output of result.outputFiles) {
    const name = basename(output.path);
    const extension = name.slice(name.lastIndexOf("."));
    const contentType = CONTENT_TYPES[extension];
    if (!contentType) throw new Error(`console build: unexpected output ${name}`);
    files[name] = { contentType, base64: Buffer.from(output.contents).toString("base64") };
  }
  const script = Object.keys(files).find((name) => name.endsWith(".js"));
  const style = Object.keys(files).find((name) => name.endsWith(".css"));
  if (!script || !style) throw new Error("console build: expected one script and one style sheet");
  const index = readFileSync(join(CONSOLE_DIRECTORY, "index.html"), "utf8")
    .replace("{{script}}", `console/${script}`)
    .replace("{{style}}", `console/${style}`);
  return { index, files };
}

/** `node --import tsx console/build.ts <dir>`: writes the assets as one manifest.json (the CDK bundling). */
async function main(outputDirectory: string): Promise<void> {
  const assets = await buildConsoleAssets();
  mkdirSync(outputDirectory, { recursive: true });
  writeFileSync(join(outputDirectory, "manifest.json"), JSON.stringify(assets));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outputDirectory = process.argv[2];
  if (!outputDirectory) throw new Error("usage: node --import tsx console/build.ts <output directory>");
  await main(outputDirectory);
}
