import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** One source file: what it imports (relative ones resolved to repository paths) and the globals it names. */
export interface SourceFacts {
  /** Repository-relative paths of the files this one imports, type-only imports included. */
  localImports: string[];
  /** Package and built-in specifiers as written (`node:http`, `aws-lambda`, `zod`). */
  packageImports: string[];
  /** Whether the file names the `awslambda` global anywhere outside a comment. */
  namesAwsLambdaGlobal: boolean;
}

export type ImportGraph = Map<string, SourceFacts>;

/**
 * Reads every .ts file under the given folders with the TypeScript parser (comments and strings never
 * count as imports) and records its imports: `import`, `import type`, `export ... from`, `import("x")`
 * and `import("x").T` types alike, since a type-only cycle is still two modules that cannot be read apart.
 */
export function readImportGraph(root: string, folders: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const folder of folders) {
    for (const file of tsFiles(join(root, folder))) {
      graph.set(relative(root, file), factsOf(root, file));
    }
  }
  return graph;
}

/**
 * The cycles in the graph, one per strongly connected component (Tarjan), each written as the path that
 * closes it: `a.ts -> b.ts -> a.ts`. An empty list means the graph is acyclic.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const edges = (node: string) => (graph.get(node)?.localImports ?? []).filter((to) => graph.has(to));
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of edges(node)) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = component.length === 1 && edges(node).includes(node);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => {
    const cycle = cycleThrough(component, edges);
    // Name every file of a knot larger than the one cycle shown: each needs untying.
    const others = component.filter((member) => !cycle.includes(member)).sort();
    return others.length > 0 ? [...cycle, `(also in this knot: ${others.join(", ")})`] : cycle;
  });
}

/** A shortest path from the component's first member (alphabetically) back to itself, inside the component. */
function cycleThrough(component: string[], edges: (node: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] ?? "";
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() ?? "";
    for (const to of edges(node)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) {
          path.splice(1, 0, at);
        }
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

function factsOf(root: string, file: string): SourceFacts {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  let namesAwsLambdaGlobal = false;
  const walk = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
    } else if (ts.isImportTypeNode(node)) {
      const literal = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      if (literal && ts.isStringLiteral(literal)) specifiers.push(literal.text);
    } else if (ts.isIdentifier(node) && node.text === "awslambda") {
      namesAwsLambdaGlobal = true;
    }
    ts.forEachChild(node, walk);
  };
  walk(source);
  const localImports: string[] = [];
  const packageImports: string[] = [];
  for (const specifier of specifiers) {
    if (specifier.startsWith(".")) localImports.push(relative(root, resolveLocal(dirname(file), specifier)));
    else packageImports.push(specifier);
  }
  return { localImports, packageImports, namesAwsLambdaGlobal };
}

/** `./x.ts` as written (the project imports with extensions); `./x.js` and bare `./x` fall back to the .ts file. */
function resolveLocal(from: string, specifier: string): string {
  const target = resolve(from, specifier);
  if (existsSync(target) && !target.endsWith(".js")) return target;
  const withoutJs = target.replace(/\.js$/, "");
  for (const candidate of [`${withoutJs}.ts`, join(withoutJs, "index.ts")]) {
    if (existsSync(candidate)) return candidate;
  }
  return target;
}

function tsFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "cdk.out") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}
