/**
 * Hive types as Glue and Athena spell them (the export's columns, shared/logs/export/export-columns.ts):
 * whether a type is one Athena reads, and whether a JSON value fits a column of that type.
 */

const SCALARS = new Set(["string", "boolean", "int", "bigint", "double"]);

/** Splits a Hive type list at its top-level commas (`a:int,b:struct<c:int,d:string>` -> two). */
function topLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < list.length; index += 1) {
    if (list[index] === "<") depth += 1;
    else if (list[index] === ">") depth -= 1;
    else if (list[index] === "," && depth === 0) {
      parts.push(list.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

/** The fields of a Hive `struct<...>` type, by name, with their types. */
export function structFields(type: string): Map<string, string> {
  const inner = /^struct<(.+)>$/.exec(type)?.[1];
  if (!inner) throw new Error(`not a struct: ${type}`);
  return new Map(
    topLevel(inner).map((field) => {
      const colon = field.indexOf(":");
      return [field.slice(0, colon), field.slice(colon + 1)];
    }),
  );
}

/**
 * Whether a JSON value is one Firehose's OpenX JSON SerDe reads into a column of this Hive type: scalars,
 * `array<T>`, `map<string,T>` and `struct<...>` with no key the struct lacks (null fits any type).
 */
export function fitsColumn(value: unknown, type: string): boolean {
  if (value === null) return true;
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "int":
    case "bigint":
      return Number.isInteger(value);
    case "double":
      return typeof value === "number";
  }
  const array = /^array<(.+)>$/.exec(type);
  if (array?.[1]) return Array.isArray(value) && value.every((item) => fitsColumn(item, array[1] as string));
  const map = /^map<string,(.+)>$/.exec(type);
  if (map?.[1])
    return (
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.values(value as object).every((item) => fitsColumn(item, map[1] as string))
    );
  if (type.startsWith("struct<")) {
    if (typeof value !== "object" || Array.isArray(value)) return false;
    const fields = structFields(type);
    return Object.entries(value as object).every(([key, item]) => {
      const fieldType = fields.get(key);
      return fieldType !== undefined && fitsColumn(item, fieldType);
    });
  }
  return false;
}

/**
 * Whether a type is well formed: a scalar the export uses, `array<T>`, `map<string,T>` or
 * `struct<name:T,...>` with distinct lower-case names, no spaces (Glue stores the type as written).
 */
export function isHiveType(type: string): boolean {
  if (SCALARS.has(type)) return true;
  const array = /^array<(.+)>$/.exec(type);
  if (array?.[1]) return isHiveType(array[1]);
  const map = /^map<string,(.+)>$/.exec(type);
  if (map?.[1]) return isHiveType(map[1]);
  if (!/^struct<.+>$/.test(type)) return false;
  const inner = type.slice("struct<".length, -1);
  const fields = topLevel(inner).map((field) => [
    field.slice(0, field.indexOf(":")),
    field.slice(field.indexOf(":") + 1),
  ]);
  const names = fields.map(([name]) => name);
  return (
    new Set(names).size === names.length &&
    fields.every(([name, fieldType]) => /^[a-z][a-z0-9_]*$/.test(name ?? "") && isHiveType(fieldType ?? ""))
  );
}
