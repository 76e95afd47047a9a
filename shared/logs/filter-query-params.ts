import { GatewayError } from "../core/gateway-error.ts";

/**
 * Cloudflare's `filters` (a list of `{key, operator, value: [...]}`) as they arrive in a query string, before
 * their values are checked. Three wire forms are read, one per request:
 * - "json": a JSON array in one `filters` parameter (curl);
 * - "sequential": no filter index, each filter starting with its key: the `cloudflare` SDK's
 *   `filters.key=provider&filters.operator=eq&filters.value=a&filters.value=b` (qs `allowDots`,
 *   `arrayFormat: "repeat"`), and the same with brackets, `filters[key]=` / `filters[][key]=` ...
 *   (and as API Gateway regroups it, see isGroupedByName);
 * - "indexed": `filters[0][key]=provider&filters[0][operator]=eq&filters[0][value][0]=a` (qs's default,
 *   `arrayFormat: "indices"`, the form most HTTP clients produce), or `filters[0].value[0]` with `allowDots`.
 *
 * A parameter whose name starts with `filters` and is not one of these is refused, naming it, never
 * skipped: a filter this gateway did not read would silently widen a listing and, worse, a DELETE.
 */

export type FilterForm = "json" | "sequential" | "indexed";

/** One filter as given, with the name its errors use (`filters.0`, `filters[3]`). */
export interface RawFilter {
  label: string;
  fields: Record<string, unknown>;
}

export const MAX_FILTERS = 50;
export const MAX_FILTER_VALUES = 100;

/** Every parameter named so belongs to the filters: it is read or refused by `rawFilters`, nothing else. */
export function isFilterParam(name: string): boolean {
  return name.startsWith("filters");
}

/** `filters`, an optional filter index (`[N]` or `[]`), the field (`.f` or `[f]`), an optional `[M]` or `[]`. */
const PARAMETER = /^filters(?:\[(\d*)\])?(?:\.([^.[\]]+)|\[([^.[\]]+)\])(?:\[(\d*)\])?$/;
const FIELDS = new Set(["key", "operator", "value"]);

const FORMS_HELP =
  "give filters as filters[N][key], filters[N][operator] and filters[N][value][M] (or filters.key, " +
  "filters.operator and filters.value, or a JSON array in filters)";

interface ParsedName {
  form: "sequential" | "indexed";
  filterIndex: number | undefined;
  field: "key" | "operator" | "value";
  valueIndex: number | undefined;
}

function quoted(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}...` : name);
}

function notAFilterParameter(name: string): GatewayError {
  return GatewayError.badRequest(`Query parameter ${quoted(name)} is not a filter parameter: ${FORMS_HELP}`);
}

/** A canonical index below `bound` (`01` would name the same filter as `1`), or a 400 naming the parameter. */
function index(text: string, bound: number, name: string): number {
  const value = Number(text);
  if (String(value) !== text) throw notAFilterParameter(name);
  if (value >= bound)
    throw GatewayError.badRequest(`Query parameter ${quoted(name)}: indexes go from 0 to ${bound - 1}`);
  return value;
}

function parseName(name: string): ParsedName {
  const match = PARAMETER.exec(name);
  const field = match?.[2] ?? match?.[3];
  if (!match || !field || !FIELDS.has(field)) throw notAFilterParameter(name);
  const [, filterIndex, , , valueIndex] = match;
  if (valueIndex !== undefined && field !== "value") throw notAFilterParameter(name);
  return {
    form: filterIndex ? "indexed" : "sequential",
    filterIndex: filterIndex ? index(filterIndex, MAX_FILTERS, name) : undefined,
    field: field as ParsedName["field"],
    valueIndex: valueIndex ? index(valueIndex, MAX_FILTER_VALUES, name) : undefined,
  };
}

function givenTwice(name: string): GatewayError {
  return GatewayError.badRequest(`Query parameter ${quoted(name)} is given more than once`);
}

/** One filter's parameters as they come; `fields` lists values by index, then the unnumbered ones in order. */
class FilterBeingRead {
  private readonly scalars: Record<string, string> = {};
  private readonly numbered = new Map<number, string>();
  private readonly appended: string[] = [];

  set(parsed: ParsedName, name: string, value: string): void {
    if (parsed.field !== "value") {
      if (parsed.field in this.scalars) throw givenTwice(name);
      this.scalars[parsed.field] = value;
    } else if (parsed.valueIndex === undefined) {
      this.appended.push(value);
    } else {
      if (this.numbered.has(parsed.valueIndex)) throw givenTwice(name);
      this.numbered.set(parsed.valueIndex, value);
    }
  }

  get fields(): Record<string, unknown> {
    const numbered = [...this.numbered].sort(([a], [b]) => a - b).map(([, text]) => text);
    const values = [...numbered, ...this.appended];
    return values.length > 0 ? { ...this.scalars, value: values } : { ...this.scalars };
  }
}

function parseJson(value: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw GatewayError.badRequest(
      `filters: must be a JSON array of {key, operator, value} (or ${FORMS_HELP.replace("give filters as ", "")})`,
    );
  }
  if (!Array.isArray(parsed)) throw GatewayError.badRequest("filters: must be an array");
  return parsed as Record<string, unknown>[];
}

interface SequentialParameter {
  parsed: ParsedName;
  name: string;
  value: string;
}

/**
 * API Gateway's REST event carries the query as a map of name -> values, so the SDK's
 * `filters.key=a&filters.operator=eq&filters.value=x&filters.key=b&...` reaches the handler regrouped by
 * name: `filters.key=a&filters.key=b&filters.operator=...&filters.value=...`. Which value went with which
 * key is then known only when there is one value per filter (every filter has at least one).
 */
function isGroupedByName(parameters: readonly SequentialParameter[]): boolean {
  const runs = parameters.filter(
    (parameter, position) =>
      position === 0 || parameters[position - 1]?.parsed.field !== parameter.parsed.field,
  );
  const keys = parameters.filter((parameter) => parameter.parsed.field === "key").length;
  return keys > 1 && new Set(runs.map((run) => run.parsed.field)).size === runs.length;
}

function readGrouped(parameters: readonly SequentialParameter[]): Record<string, unknown>[] {
  const of = (field: string) => parameters.filter((parameter) => parameter.parsed.field === field);
  const [keys, operators, values] = [of("key"), of("operator"), of("value")];
  if (operators.length !== keys.length || values.length !== keys.length)
    throw GatewayError.badRequest(
      `filters: ${keys.length} filters.key, ${operators.length} filters.operator and ${values.length} filters.value ` +
        "arrive grouped by name (API Gateway groups a repeated query parameter), so which values belong to which " +
        "filter is lost: with more than one filter, give one value each, or use the filters[N][key] form or JSON",
    );
  return keys.map((key, position) => ({
    key: key.value,
    operator: operators[position]?.value,
    value: [values[position]?.value],
  }));
}

/** Each filter starts with its key; anything else continues the filter the last key started. */
function readSequential(parameters: readonly SequentialParameter[]): Record<string, unknown>[] {
  if (isGroupedByName(parameters)) return readGrouped(parameters);
  const filters: FilterBeingRead[] = [];
  for (const { parsed, name, value } of parameters) {
    if (parsed.field === "key") filters.push(new FilterBeingRead());
    const current = filters[filters.length - 1];
    if (!current)
      throw GatewayError.badRequest(
        `Query parameter ${quoted(name)} comes before any filter's key: in this form each filter starts with its key`,
      );
    current.set(parsed, name, value);
  }
  return filters.map((filter) => filter.fields);
}

/** The filters of a query string, as given; a parameter that cannot be read is a 400 that names it. */
export function rawFilters(url: URL): RawFilter[] {
  let form: FilterForm | undefined;
  const json: Record<string, unknown>[] = [];
  const sequential: SequentialParameter[] = [];
  const indexed = new Map<number, FilterBeingRead>();
  for (const [name, value] of url.searchParams) {
    if (!isFilterParam(name)) continue;
    const parsed = name === "filters" ? undefined : parseName(name);
    const thisForm: FilterForm = parsed?.form ?? "json";
    if (form !== undefined && form !== thisForm)
      throw GatewayError.badRequest(
        `Query parameter ${quoted(name)}: filters must be given in one form, not ${form} and ${thisForm} together`,
      );
    form = thisForm;
    if (!parsed) {
      json.push(...parseJson(value));
    } else if (parsed.form === "indexed") {
      const filterIndex = parsed.filterIndex ?? 0;
      const filter = indexed.get(filterIndex) ?? new FilterBeingRead();
      indexed.set(filterIndex, filter);
      filter.set(parsed, name, value);
    } else {
      sequential.push({ parsed, name, value });
    }
  }
  if (form === "indexed")
    return [...indexed]
      .sort(([a], [b]) => a - b)
      .map(([position, filter]) => ({ label: `filters[${position}]`, fields: filter.fields }));
  const list = form === "json" ? json : readSequential(sequential);
  return list.map((fields, position) => ({ label: `filters.${position}`, fields }));
}
