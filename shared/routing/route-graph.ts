import { GatewayError } from "../core/gateway-error.ts";
import { parseUnifiedModel } from "../unified/model-name.ts";
import { conditionProblem } from "./condition.ts";
import {
  ELEMENT_ID_PATTERN,
  elementSchemaFor,
  isRouteElementType,
  MAX_PERCENTAGE_BRANCHES,
  MAX_ROUTE_ELEMENTS,
  normalizeElementSpelling,
  OUTPUT_NAMES,
  ROUTE_ELEMENT_TYPES,
  type RouteElement,
} from "./route-schema.ts";

/**
 * Checks a route's elements, the schema of each and the graph they make, and returns them in their
 * stored form (doc spellings, defaults filled in). Pure: the management API calls it before anything is
 * stored, and every refusal is a 400 whose message names the element (and the field) at fault.
 *
 * Graph rules (docs/dynamic-routes.md "Validation"):
 * - element ids are unique; exactly one `start`, and nothing points back to it;
 * - each type has its own output names (`start`: next; `conditional`: true, false; `rate_limit`,
 *   `budget`, `model`: success and optional fallback; `end`: none; `percentage`: "<share>%" and `else`);
 * - every output points to an existing element (no dangling outputs), and no path loops (no cycles);
 * - a `model`'s `success` leads to an `end`: once a model answers, the answer is the route's;
 * - percentage: 1-5 named shares, each in (0, 100], summing to at most 100; below 100 needs `else`
 *   (the rest of the traffic must go somewhere);
 * - every element is reachable from `start` (an unreachable one is almost always a wiring mistake).
 */
export function validateRouteElements(elements: unknown): RouteElement[] {
  if (!Array.isArray(elements)) throw GatewayError.badRequest("elements: must be an array of route elements");
  if (elements.length === 0)
    throw GatewayError.badRequest("elements: a route needs at least a start element");
  if (elements.length > MAX_ROUTE_ELEMENTS) {
    throw GatewayError.badRequest(`elements: at most ${MAX_ROUTE_ELEMENTS} elements per route`);
  }
  const parsed = elements.map((element, index) => parseElement(element, index));
  const byId = new Map<string, RouteElement>();
  for (const element of parsed) {
    if (byId.has(element.id)) throw refuse(element.id, "id: used by more than one element");
    byId.set(element.id, element);
  }
  const starts = parsed.filter((element) => element.type === "start");
  if (starts.length !== 1) {
    throw GatewayError.badRequest(
      starts.length === 0
        ? "elements: a route needs exactly one start element, found none"
        : `elements: a route needs exactly one start element, found ${starts.length} (${starts.map((s) => `"${s.id}"`).join(", ")})`,
    );
  }
  for (const element of parsed) checkOutputs(element, byId);
  const start = starts[0] as RouteElement;
  checkNoCycles(parsed, byId);
  checkReachable(start, parsed, byId);
  return parsed;
}

function refuse(id: string, problem: string): GatewayError {
  return GatewayError.badRequest(`element "${id}": ${problem}`);
}

function parseElement(raw: unknown, index: number): RouteElement {
  const element = normalizeElementSpelling(raw);
  const rawId =
    typeof element === "object" && element !== null ? (element as { id?: unknown }).id : undefined;
  const name =
    typeof rawId === "string" && ELEMENT_ID_PATTERN.test(rawId) ? `element "${rawId}"` : `elements[${index}]`;
  if (typeof element !== "object" || element === null || Array.isArray(element)) {
    throw GatewayError.badRequest(`${name}: must be an object`);
  }
  const type = (element as { type?: unknown }).type;
  if (!isRouteElementType(type)) {
    throw GatewayError.badRequest(
      `${name}: type: unknown node type ${JSON.stringify(type ?? null)} (expected one of ${ROUTE_ELEMENT_TYPES.join(", ")})`,
    );
  }
  const result = elementSchemaFor(type).safeParse(element);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? issue.path.join(".") : "element";
    throw GatewayError.badRequest(`${name} (${type}): ${path}: ${issue?.message ?? "invalid"}`);
  }
  const parsed = result.data;
  if (parsed.type === "model") {
    try {
      parseUnifiedModel(`${parsed.properties.provider}/${parsed.properties.model}`);
    } catch (error) {
      throw refuse(parsed.id, `properties.provider: ${(error as Error).message}`);
    }
  }
  if (parsed.type === "rate_limit" && parsed.properties.limitType === "count") {
    if (!Number.isInteger(parsed.properties.limit)) {
      throw refuse(parsed.id, "properties.limit: a count limit is a whole number of requests");
    }
  }
  if (parsed.type === "conditional") {
    const problem = conditionProblem(parsed.properties.condition, "properties.condition");
    if (problem) throw refuse(parsed.id, problem);
  }
  return parsed;
}

/** "25%" -> 25; up to two decimals ("12.5%"). */
const SHARE_PATTERN = /^(\d{1,3}(?:\.\d{1,2})?)%$/;

export function percentageShare(outputName: string): number | null {
  const match = SHARE_PATTERN.exec(outputName);
  return match ? Number(match[1]) : null;
}

function checkOutputs(element: RouteElement, byId: Map<string, RouteElement>): void {
  const names = Object.keys(element.outputs);
  if (element.type === "percentage") checkPercentage(element.id, names);
  else {
    const allowed = OUTPUT_NAMES[element.type];
    for (const name of names) {
      if (!allowed.required.includes(name) && !allowed.optional.includes(name)) {
        const expected = [...allowed.required, ...allowed.optional];
        throw refuse(
          element.id,
          `outputs.${name}: a ${element.type} element has ${expected.length === 0 ? "no outputs" : `outputs ${expected.join(", ")}`}`,
        );
      }
    }
    for (const name of allowed.required) {
      if (!names.includes(name))
        throw refuse(element.id, `outputs.${name}: missing (a ${element.type} needs it)`);
    }
  }
  for (const [name, output] of Object.entries(element.outputs)) {
    const target = byId.get(output.elementId);
    if (!target) {
      throw refuse(element.id, `outputs.${name}: points to "${output.elementId}", which is not an element`);
    }
    if (target.type === "start") throw refuse(element.id, `outputs.${name}: may not point back to the start`);
    if (element.type === "model" && name === "success" && target.type !== "end") {
      throw refuse(
        element.id,
        `outputs.success: must point to an end element (a model's answer is the route's answer)`,
      );
    }
  }
}

function checkPercentage(id: string, names: string[]): void {
  const shares: number[] = [];
  for (const name of names) {
    if (name === "else") continue;
    const share = percentageShare(name);
    if (share === null || share <= 0 || share > 100) {
      throw refuse(
        id,
        `outputs.${name}: a percentage output is named "<share>%" (0 < share <= 100) or "else"`,
      );
    }
    shares.push(share);
  }
  if (shares.length === 0)
    throw refuse(id, `outputs: a percentage element needs at least one "<share>%" output`);
  if (shares.length > MAX_PERCENTAGE_BRANCHES) {
    throw refuse(
      id,
      `outputs: at most ${MAX_PERCENTAGE_BRANCHES} "<share>%" outputs (plus else), found ${shares.length}`,
    );
  }
  // Sum in hundredths so 33.33 + 33.33 + 33.34 is exactly 100.
  const total = shares.reduce((sum, share) => sum + Math.round(share * 100), 0) / 100;
  if (total > 100) throw refuse(id, `outputs: the shares sum to ${total}%, more than 100%`);
  if (total < 100 && !names.includes("else")) {
    throw refuse(
      id,
      `outputs: the shares sum to ${total}%; add an "else" output for the other ${100 - total}%`,
    );
  }
}

function checkNoCycles(elements: RouteElement[], byId: Map<string, RouteElement>): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (element: RouteElement, trail: string[]): void => {
    state.set(element.id, "visiting");
    for (const output of Object.values(element.outputs)) {
      const target = byId.get(output.elementId) as RouteElement;
      const seen = state.get(target.id);
      if (seen === "visiting") {
        const loop = [...trail.slice(trail.indexOf(target.id)), element.id, target.id];
        throw refuse(element.id, `outputs: makes a cycle (${loop.map((id) => `"${id}"`).join(" -> ")})`);
      }
      if (seen === undefined) visit(target, [...trail, element.id]);
    }
    state.set(element.id, "done");
  };
  for (const element of elements) if (!state.has(element.id)) visit(element, []);
}

function checkReachable(
  start: RouteElement,
  elements: RouteElement[],
  byId: Map<string, RouteElement>,
): void {
  const reached = new Set<string>([start.id]);
  const queue = [start];
  for (let element = queue.shift(); element; element = queue.shift()) {
    for (const output of Object.values(element.outputs)) {
      if (!reached.has(output.elementId)) {
        reached.add(output.elementId);
        queue.push(byId.get(output.elementId) as RouteElement);
      }
    }
  }
  const unreachable = elements.find((element) => !reached.has(element.id));
  if (unreachable) throw refuse(unreachable.id, "cannot be reached from the start element");
}
