// `npm run docs:recipes`: copies the recipe files into docs/clients.md (test/recipes/doc-includes.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { withIncludesRefreshed } from "./doc-includes.ts";

const root = new URL("../../", import.meta.url);
const doc = new URL("docs/clients.md", root);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
writeFileSync(doc, withIncludesRefreshed(readFileSync(doc, "utf8"), read));
