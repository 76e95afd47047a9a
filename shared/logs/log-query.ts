/**
 * What a logs listing or a delete-by-filter selects (reference 6.3): Cloudflare's filters, the free-text
 * search and the order, as plain values, with the pure functions that apply them to stored records.
 */
export const FILTER_KEYS = [
  "id",
  "created_at",
  "success",
  "cached",
  "provider",
  "model",
  "model_type",
  "status_code",
  "cost",
  "tokens",
  "tokens_in",
  "tokens_out",
  "duration",
  "feedback",
  "event_id",
  "request_content_type",
  "response_content_type",
  "user_agent",
  "metadata.key",
  "metadata.value",
  "dlp_action",
] as const;

/** Keys of Cloudflare's filter list that describe features this gateway does not have. */
export const UNSUPPORTED_FILTER_KEYS = [
  "request_type",
  "authentication",
  "wholesale",
  "compatibilityMode",
] as const;

export const FILTER_OPERATORS = ["eq", "neq", "contains", "lt", "gt"] as const;

export const ORDER_KEYS = [
  "created_at",
  "provider",
  "model",
  "model_type",
  "success",
  "cached",
  "cost",
  "tokens_in",
  "tokens_out",
  "duration",
  "feedback",
] as const;

export type FilterKey = (typeof FILTER_KEYS)[number];
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type OrderKey = (typeof ORDER_KEYS)[number];
export type FilterValue = string | number | boolean | null;

export interface LogFilter {
  key: FilterKey;
  operator: FilterOperator;
  /** Already converted to the key's type (numbers, booleans, epoch milliseconds for created_at). */
  value: FilterValue[];
}

export interface LogQuery {
  filters: LogFilter[];
  /** Case-insensitive substring of id, model, provider, path or event_id. */
  search?: string;
  orderBy: OrderKey;
  direction: "asc" | "desc";
}

type StoredRecord = Record<string, unknown>;

export const BOOLEAN_KEYS: ReadonlySet<FilterKey> = new Set(["success", "cached"]);
export const NUMBER_KEYS: ReadonlySet<FilterKey> = new Set([
  "status_code",
  "cost",
  "tokens",
  "tokens_in",
  "tokens_out",
  "duration",
  "feedback",
]);

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The values of a record a filter key looks at; metadata keys and values are several. */
function fieldValues(record: StoredRecord, key: FilterKey): FilterValue[] {
  switch (key) {
    case "tokens": {
      const tokensIn = numberOrNull(record.tokens_in);
      const tokensOut = numberOrNull(record.tokens_out);
      return [tokensIn === null && tokensOut === null ? null : (tokensIn ?? 0) + (tokensOut ?? 0)];
    }
    case "created_at":
      return [typeof record.created_at === "string" ? Date.parse(record.created_at) : null];
    case "metadata.key":
    case "metadata.value": {
      const metadata = record.metadata;
      if (typeof metadata !== "object" || metadata === null) return [];
      const entries = Object.entries(metadata as Record<string, unknown>);
      return key === "metadata.key"
        ? entries.map(([name]) => name)
        : entries.map(([, value]) => String(value));
    }
    default: {
      const value = record[key];
      if (value === undefined) return [null];
      return [typeof value === "object" && value !== null ? JSON.stringify(value) : (value as FilterValue)];
    }
  }
}

function equal(field: FilterValue, wanted: FilterValue): boolean {
  if (typeof field === "string" && typeof wanted === "string")
    return field.toLowerCase() === wanted.toLowerCase();
  return field === wanted;
}

function compare(field: FilterValue, wanted: FilterValue, operator: "lt" | "gt"): boolean {
  if (field === null || wanted === null) return false;
  if (typeof field === "number" && typeof wanted === "number")
    return operator === "lt" ? field < wanted : field > wanted;
  const [a, b] = [String(field), String(wanted)];
  return operator === "lt" ? a < b : a > b;
}

/** One filter: eq matches any of its values, neq none of them, contains a substring of any. */
export function matchesFilter(record: StoredRecord, filter: LogFilter): boolean {
  const fields = fieldValues(record, filter.key);
  switch (filter.operator) {
    case "eq":
      return fields.some((field) => filter.value.some((wanted) => equal(field, wanted)));
    case "neq":
      return !fields.some((field) => filter.value.some((wanted) => equal(field, wanted)));
    case "contains":
      return fields.some((field) =>
        filter.value.some(
          (wanted) =>
            field !== null &&
            wanted !== null &&
            String(field).toLowerCase().includes(String(wanted).toLowerCase()),
        ),
      );
    case "lt":
    case "gt": {
      const operator = filter.operator;
      return fields.some((field) => filter.value.some((wanted) => compare(field, wanted, operator)));
    }
  }
}

const SEARCHED_FIELDS = ["id", "model", "provider", "path", "event_id"] as const;

/** Every filter must match (they are ANDed, as in Cloudflare's dashboard), and the search if any. */
export function matchesQuery(record: StoredRecord, query: Pick<LogQuery, "filters" | "search">): boolean {
  if (query.search) {
    const needle = query.search.toLowerCase();
    const found = SEARCHED_FIELDS.some((field) => {
      const value = record[field];
      return typeof value === "string" && value.toLowerCase().includes(needle);
    });
    if (!found) return false;
  }
  return query.filters.every((filter) => matchesFilter(record, filter));
}

function sortValue(record: StoredRecord, key: OrderKey): string | number | null {
  const value = key === "created_at" ? record.id : record[key];
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" || typeof value === "string") return value;
  return null;
}

/**
 * Orders records by the key, then by id in the same direction, so equal keys still page stably.
 * created_at orders by the UUIDv7 id, which is the time to the millisecond and unique. Nulls sort as the
 * smallest value.
 */
export function compareRecords(key: OrderKey, direction: "asc" | "desc") {
  const sign = direction === "asc" ? 1 : -1;
  return (a: StoredRecord, b: StoredRecord): number => {
    const [x, y] = [sortValue(a, key), sortValue(b, key)];
    let order = 0;
    if (x === null || y === null) order = x === y ? 0 : x === null ? -1 : 1;
    else if (typeof x === "number" && typeof y === "number") order = x - y;
    else order = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    if (order === 0) order = String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;
    return sign * order;
  };
}

/**
 * The time window the filters imply, for the sort-key range of the query: the strictest created_at
 * lt/gt bounds. Exact checks still run on every record; this only narrows what is read.
 */
export function timeWindow(filters: readonly LogFilter[]): { fromMs?: number; toMs?: number } {
  let fromMs: number | undefined;
  let toMs: number | undefined;
  for (const filter of filters) {
    if (filter.key !== "created_at") continue;
    const times = filter.value.filter((value): value is number => typeof value === "number");
    if (times.length === 0) continue;
    if (filter.operator === "gt") fromMs = Math.max(fromMs ?? -Infinity, Math.min(...times));
    if (filter.operator === "lt") toMs = Math.min(toMs ?? Infinity, Math.max(...times));
    if (filter.operator === "eq") {
      fromMs = Math.max(fromMs ?? -Infinity, Math.min(...times));
      toMs = Math.min(toMs ?? Infinity, Math.max(...times));
    }
  }
  return { fromMs, toMs };
}

/** Keeps the first `limit` records of a stream in order, holding at most twice that many at a time. */
export class TopRecords {
  private records: StoredRecord[] = [];

  constructor(
    private readonly limit: number,
    private readonly order: (a: StoredRecord, b: StoredRecord) => number,
  ) {}

  add(record: StoredRecord): void {
    this.records.push(record);
    if (this.records.length >= this.limit * 2 + 1) this.trim();
  }

  sorted(): StoredRecord[] {
    this.trim();
    return this.records;
  }

  private trim(): void {
    this.records.sort(this.order);
    if (this.records.length > this.limit) this.records.length = this.limit;
  }
}
