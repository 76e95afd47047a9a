import { isRecord } from "../core/json-record.ts";
import { VALUE_PATH_PATTERN } from "./route-schema.ts";

/**
 * The conditional node's MongoDB-like expressions (reference 5.3), e.g. `{"metadata.plan": {"$eq": "free"}}`.
 *
 * Grammar (docs/dynamic-routes.md):
 *   condition := { <path>: <value> | { <op>: <operand>, ... }, "$and": [condition...], "$or": [...], "$not": condition }
 *   op        := $eq $ne $gt $gte $lt $lte $in $nin $exists $not
 * All entries of one object must hold (implicit $and). A plain value is implicit equality. Paths are
 * `body.<a.b.0>` (dots go into the JSON body, digits index arrays), `headers.<name>` (case-insensitive)
 * and `metadata.<key>` (the cf-aig-metadata entry; the whole rest is the key).
 *
 * conditionProblem checks an expression when the route is saved, so an unknown operator is refused
 * then, not discovered on the first request; evaluateCondition is pure and total (a type mismatch is
 * simply false, as in MongoDB).
 */
export interface ConditionContext {
  body: unknown;
  /** Lower-cased names. */
  headers: Record<string, string>;
  metadata: Record<string, unknown>;
}

const FIELD_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$not",
]);
const LOGICAL_OPERATORS = new Set(["$and", "$or", "$not"]);
const MAX_DEPTH = 16;

/** The first problem of an expression, as "<where>: <what>", or null when it is valid. */
export function conditionProblem(condition: unknown, where = "condition", depth = 0): string | null {
  if (depth > MAX_DEPTH) return `${where}: nested deeper than ${MAX_DEPTH} levels`;
  if (!isRecord(condition)) return `${where}: must be an object`;
  const entries = Object.entries(condition);
  if (entries.length === 0) return `${where}: must not be empty`;
  for (const [key, value] of entries) {
    const at = `${where}.${key}`;
    if (key.startsWith("$")) {
      if (!LOGICAL_OPERATORS.has(key)) return `${at}: unknown operator "${key}" at the top of a condition`;
      if (key === "$not") {
        const problem = conditionProblem(value, at, depth + 1);
        if (problem) return problem;
        continue;
      }
      if (!Array.isArray(value) || value.length === 0)
        return `${at}: must be a non-empty array of conditions`;
      for (const [index, item] of value.entries()) {
        const problem = conditionProblem(item, `${at}[${index}]`, depth + 1);
        if (problem) return problem;
      }
      continue;
    }
    if (!VALUE_PATH_PATTERN.test(key)) {
      return `${at}: unknown path "${key}" (use body.<field>, headers.<name> or metadata.<key>)`;
    }
    const problem = fieldProblem(value, at, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function fieldProblem(value: unknown, where: string, depth: number): string | null {
  if (depth > MAX_DEPTH) return `${where}: nested deeper than ${MAX_DEPTH} levels`;
  if (!isOperatorObject(value)) {
    if (isRecord(value) && Object.keys(value).some((key) => key.startsWith("$"))) {
      return `${where}: mixes operators and plain fields`;
    }
    return null; // implicit equality with any JSON value
  }
  for (const [operator, operand] of Object.entries(value)) {
    const at = `${where}.${operator}`;
    if (!FIELD_OPERATORS.has(operator)) return `${at}: unknown operator "${operator}"`;
    switch (operator) {
      case "$in":
      case "$nin":
        if (!Array.isArray(operand)) return `${at}: must be an array`;
        break;
      case "$exists":
        if (typeof operand !== "boolean") return `${at}: must be true or false`;
        break;
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
        if (typeof operand !== "number" && typeof operand !== "string") {
          return `${at}: must be a number or a string`;
        }
        break;
      case "$not": {
        if (!isOperatorObject(operand)) return `${at}: must be an object of operators`;
        const problem = fieldProblem(operand, at, depth + 1);
        if (problem) return problem;
        break;
      }
    }
  }
  return null;
}

/** An object whose keys are all operators (`{"$gt": 3}`); `{}` and plain objects are values. */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith("$"));
}

/** Whether the request matches; call only on an expression conditionProblem accepted. */
export function evaluateCondition(condition: Record<string, unknown>, context: ConditionContext): boolean {
  return Object.entries(condition).every(([key, value]) => {
    switch (key) {
      case "$and":
        return (value as Record<string, unknown>[]).every((item) => evaluateCondition(item, context));
      case "$or":
        return (value as Record<string, unknown>[]).some((item) => evaluateCondition(item, context));
      case "$not":
        return !evaluateCondition(value as Record<string, unknown>, context);
      default: {
        const resolved = resolvePath(key, context);
        return matchesField(resolved, value);
      }
    }
  });
}

interface ResolvedValue {
  value: unknown;
  /** Header values are always text; a numeric operand compares them as numbers. */
  fromHeader: boolean;
}

/** The request value a path names; undefined when it is absent. */
export function resolvePath(path: string, context: ConditionContext): ResolvedValue {
  const dot = path.indexOf(".");
  const source = path.slice(0, dot);
  const rest = path.slice(dot + 1);
  if (source === "headers") return { value: context.headers[rest.toLowerCase()], fromHeader: true };
  if (source === "metadata") {
    return {
      value: Object.hasOwn(context.metadata, rest) ? context.metadata[rest] : undefined,
      fromHeader: false,
    };
  }
  let current: unknown = context.body;
  for (const segment of rest.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return { value: undefined, fromHeader: false };
  }
  return { value: current, fromHeader: false };
}

function matchesField(resolved: ResolvedValue, expected: unknown): boolean {
  if (!isOperatorObject(expected)) return equals(resolved, expected);
  return Object.entries(expected).every(([operator, operand]) => applyOperator(resolved, operator, operand));
}

function applyOperator(resolved: ResolvedValue, operator: string, operand: unknown): boolean {
  switch (operator) {
    case "$eq":
      return equals(resolved, operand);
    case "$ne":
      return !equals(resolved, operand);
    case "$gt":
      return compare(resolved, operand, (order) => order > 0);
    case "$gte":
      return compare(resolved, operand, (order) => order >= 0);
    case "$lt":
      return compare(resolved, operand, (order) => order < 0);
    case "$lte":
      return compare(resolved, operand, (order) => order <= 0);
    case "$in":
      return (operand as unknown[]).some((item) => equals(resolved, item));
    case "$nin":
      return !(operand as unknown[]).some((item) => equals(resolved, item));
    case "$exists":
      return (resolved.value !== undefined) === operand;
    case "$not":
      return !matchesField(resolved, operand);
    default:
      return false; // unreachable after validation
  }
}

/** A header's text read as a number when the expression compares with a number. */
function comparable(resolved: ResolvedValue, operand: unknown): unknown {
  if (resolved.fromHeader && typeof operand === "number" && typeof resolved.value === "string") {
    const number = Number(resolved.value);
    return resolved.value.trim() !== "" && Number.isFinite(number) ? number : resolved.value;
  }
  if (resolved.fromHeader && typeof operand === "boolean" && typeof resolved.value === "string") {
    return resolved.value === "true" ? true : resolved.value === "false" ? false : resolved.value;
  }
  return resolved.value;
}

function equals(resolved: ResolvedValue, operand: unknown): boolean {
  if (resolved.value === undefined) return operand === null; // MongoDB: {field: null} matches a missing field
  return deepEqual(comparable(resolved, operand), operand);
}

function compare(resolved: ResolvedValue, operand: unknown, test: (order: number) => boolean): boolean {
  const value = comparable(resolved, operand);
  if (typeof value === "number" && typeof operand === "number") return test(value - operand);
  if (typeof value === "string" && typeof operand === "string") {
    return test(value < operand ? -1 : value > operand ? 1 : 0);
  }
  return false; // different types never compare, as in MongoDB
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isRecord(left) && isRecord(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]))
    );
  }
  return false;
}
