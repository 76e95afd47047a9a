import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fencedBlocks, includedPaths, withIncludesRefreshed } from "../../recipes/doc-includes.ts";

const root = new URL("../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const doc = read("docs/clients.md");
/** The files that make the doc, not recipes a reader copies. */
const TOOLING = new Set(["doc-includes.ts", "include-in-docs.ts"]);
const hasPython = spawnSync("python3", ["--version"]).status === 0;

describe("docs/clients.md", () => {
  it("includes every recipe of test/recipes/", () => {
    const recipes = readdirSync(new URL("test/recipes/", root))
      .filter((name) => !TOOLING.has(name))
      .map((name) => `test/recipes/${name}`);
    expect(includedPaths(doc).sort()).toEqual(recipes.sort());
  });

  it("shows the recipe files as they are (npm run docs:recipes copies them in)", () => {
    expect(doc).toBe(withIncludesRefreshed(doc, read));
  });

  it.skipIf(!hasPython)("has Python recipes that parse", () => {
    const blocks = fencedBlocks(doc, "python");
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) {
      const check = spawnSync("python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], {
        input: block,
        encoding: "utf8",
      });
      expect(check.stderr, block).toBe("");
      expect(check.status).toBe(0);
    }
  });
});
