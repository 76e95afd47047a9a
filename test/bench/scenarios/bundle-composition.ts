import type { Metafile } from "esbuild";

/** Bytes of the bundle by where they come from: a package of node_modules, or a folder of ours. */
export interface BundlePart {
  name: string;
  bytes: number;
  /** Of those bytes, the ones only a dynamic import() reaches: in the file, but evaluated only when first used. */
  lazyBytes: number;
}

/** The package (scoped or not) or, for our own code, the top two folders (e.g. shared/providers). */
function partOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage?.[1]) return inPackage[1];
  return input
    .replace(/^(\.\.\/)+/, "")
    .split("/")
    .slice(0, 2)
    .join("/");
}

/** The inputs the entry reaches through static imports and require() alone. */
function staticallyReached(metafile: Metafile, entry: string): Set<string> {
  const reached = new Set<string>([entry]);
  const queue = [entry];
  for (let input = queue.pop(); input !== undefined; input = queue.pop()) {
    for (const edge of metafile.inputs[input]?.imports ?? []) {
      if (edge.kind === "dynamic-import" || edge.external || reached.has(edge.path)) continue;
      reached.add(edge.path);
      queue.push(edge.path);
    }
  }
  return reached;
}

/**
 * What the proxy bundle is made of, from esbuild's metafile: bytes per package or folder, largest first, with
 * the share that is evaluated lazily. esbuild writes one file (the stack bundles without code splitting), so a
 * dynamic import() saves the evaluation of a module's top level at cold start, not its bytes.
 */
export function bundleComposition(metafile: Metafile): BundlePart[] {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint);
  if (!output?.entryPoint) return [];
  const reached = staticallyReached(metafile, output.entryPoint);
  const parts = new Map<string, BundlePart>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = partOf(input);
    const part = parts.get(name) ?? { name, bytes: 0, lazyBytes: 0 };
    part.bytes += bytesInOutput;
    if (!reached.has(input)) part.lazyBytes += bytesInOutput;
    parts.set(name, part);
  }
  return [...parts.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Bytes of zod's locales (every language's error messages) in the bundle: reached through `z`'s namespace. */
export function zodLocaleBytes(metafile: Metafile): number {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint);
  return Object.entries(output?.inputs ?? {})
    .filter(([input]) => /node_modules\/zod\/v4\/locales\//.test(input))
    .reduce((sum, [, { bytesInOutput }]) => sum + bytesInOutput, 0);
}
