/**
 * docs/clients.md shows the recipe files of test/recipes/ verbatim: each `<!-- include: path -->` line is
 * followed by a fenced block holding that file. The recipe tests run the files, so the doc shows code that
 * runs. `npm run docs:recipes` copies the files in; a unit test fails while the doc differs from them.
 */
const INCLUDE = /^<!-- include: (\S+) -->\n```(\w+)\n(?:[\s\S]*?\n)??```$/gm;

/** The paths the doc includes, in order. */
export function includedPaths(markdown: string): string[] {
  return [...markdown.matchAll(INCLUDE)].map((match) => match[1] as string);
}

/** The doc with every included block replaced by the current text of its file. */
export function withIncludesRefreshed(markdown: string, read: (path: string) => string): string {
  return markdown.replace(
    INCLUDE,
    (_block, path: string, language: string) =>
      `<!-- include: ${path} -->\n\`\`\`${language}\n${read(path).trimEnd()}\n\`\`\``,
  );
}

/** The fenced blocks of one language (`sh`, `python`), in order. */
export function fencedBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\`$`, "gm");
  return [...markdown.matchAll(fence)].map((match) => match[1] as string);
}
