import { GatewayError } from "../../core/gateway-error.ts";
import { isRecord, type JsonRecord } from "../../translation/common/json-values.ts";

/**
 * JSON Schema -> the OpenAPI 3.0 subset Gemini accepts in `parameters` and `responseSchema`
 * (https://ai.google.dev/api/caching#Schema): type, format, description, nullable, enum, items,
 * properties, required, propertyOrdering, anyOf, min/max items, length, properties, pattern, minimum,
 * maximum, default, example, title.
 *
 * What is converted: local `$ref` into `$defs` / `definitions` is inlined (not recursive ones); a type
 * list with "null" becomes `nullable`; `oneOf` becomes `anyOf`; a single-entry `allOf` is inlined; a
 * string `const` becomes a one-value `enum`. What is stripped because it only annotates or only loosens:
 * `$schema`, `$id`, `$comment`, `examples`, `additionalProperties: true|false`, readOnly / writeOnly /
 * deprecated, and `format` values Gemini does not list. Everything else is refused with a 400 naming the
 * keyword and where it is, never dropped in silence. `provider` is the slug the caller used (Vertex AI's
 * Gemini models take the same schemas), named in those refusals.
 */
const KEPT = new Set([
  "type",
  "description",
  "nullable",
  "required",
  "propertyOrdering",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "default",
  "example",
  "title",
]);
const STRIPPED = new Set([
  "$schema",
  "$id",
  "$comment",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "strict",
]);
const FORMATS_BY_TYPE: Record<string, ReadonlySet<string>> = {
  string: new Set(["enum", "date-time"]),
  number: new Set(["float", "double"]),
  integer: new Set(["int32", "int64"]),
};
const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

export function toGeminiSchema(schema: JsonRecord, owner: string, provider: string): JsonRecord {
  const definitions = {
    ...(isRecord(schema.definitions) ? schema.definitions : {}),
    ...(isRecord(schema.$defs) ? schema.$defs : {}),
  };
  return convert(schema, { owner, provider, definitions, path: "", resolving: [] });
}

interface Scope {
  owner: string;
  provider: string;
  definitions: JsonRecord;
  path: string;
  resolving: string[];
}

function refuse(scope: Scope, detail: string): never {
  const where = scope.path === "" ? "the schema root" : scope.path;
  throw GatewayError.badRequest(
    `${scope.owner}: ${detail} at ${where}, which provider ${scope.provider} does not support`,
  );
}

function at(scope: Scope, segment: string): Scope {
  return { ...scope, path: scope.path === "" ? segment : `${scope.path}.${segment}` };
}

function convert(schema: unknown, scope: Scope): JsonRecord {
  if (!isRecord(schema)) return refuse(scope, "a schema that is not an object");
  if (typeof schema.$ref === "string") return resolveReference(schema, scope);
  const result: JsonRecord = {};
  for (const [key, value] of Object.entries(schema)) {
    if (STRIPPED.has(key) || key === "$defs" || key === "definitions") continue;
    if (KEPT.has(key)) {
      if (key !== "type") result[key] = value;
      continue;
    }
    switch (key) {
      case "properties": {
        if (!isRecord(value)) return refuse(scope, '"properties" that is not an object');
        const properties: JsonRecord = {};
        for (const [name, property] of Object.entries(value)) {
          properties[name] = convert(property, at(scope, `properties.${name}`));
        }
        result.properties = properties;
        break;
      }
      case "items":
        if (Array.isArray(value)) return refuse(scope, 'a tuple "items" list');
        result.items = convert(value, at(scope, "items"));
        break;
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(value)) return refuse(scope, `"${key}" that is not a list`);
        result.anyOf = value.map((entry, index) => convert(entry, at(scope, `${key}[${index}]`)));
        break;
      case "allOf":
        if (!Array.isArray(value) || value.length !== 1)
          return refuse(scope, '"allOf" with more than one schema');
        Object.assign(result, convert(value[0], at(scope, "allOf[0]")));
        break;
      case "enum":
        if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) {
          return refuse(scope, '"enum" with values that are not strings');
        }
        result.enum = value;
        break;
      case "const":
        if (typeof value !== "string") return refuse(scope, '"const" that is not a string');
        result.enum = [value];
        break;
      case "additionalProperties":
        if (typeof value !== "boolean")
          return refuse(scope, '"additionalProperties" with a schema (a map type)');
        break;
      case "format":
        break; // decided below, once the type is known
      default:
        return refuse(scope, `the keyword "${key}"`);
    }
  }
  Object.assign(result, convertType(schema, scope));
  const type = typeof result.type === "string" ? result.type : undefined;
  if (typeof schema.format === "string" && type !== undefined && FORMATS_BY_TYPE[type]?.has(schema.format)) {
    result.format = schema.format;
  }
  if (result.enum !== undefined && result.type === undefined) result.type = "string";
  return result;
}

function convertType(schema: JsonRecord, scope: Scope): JsonRecord {
  const type = schema.type;
  if (type === undefined) return {};
  const types = Array.isArray(type) ? type : [type];
  if (!types.every((entry) => typeof entry === "string" && (TYPES.has(entry) || entry === "null"))) {
    return refuse(scope, `the type ${JSON.stringify(type)}`);
  }
  const concrete = types.filter((entry) => entry !== "null") as string[];
  const nullable = concrete.length < types.length;
  if (concrete.length === 0) return refuse(scope, 'the type "null" alone');
  if (concrete.length > 1) return refuse(scope, `a list of several types ${JSON.stringify(type)}`);
  return nullable ? { type: concrete[0], nullable: true } : { type: concrete[0] };
}

function resolveReference(schema: JsonRecord, scope: Scope): JsonRecord {
  const reference = schema.$ref as string;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  if (match === null) return refuse(scope, `the reference "${reference}" (only local $defs can be inlined)`);
  const name = match[2] ?? "";
  if (scope.resolving.includes(name)) return refuse(scope, `the recursive reference "${reference}"`);
  const target = scope.definitions[name];
  if (!isRecord(target)) return refuse(scope, `the unresolved reference "${reference}"`);
  const { $ref: _reference, ...siblings } = schema;
  scope.resolving.push(name);
  try {
    return convert({ ...target, ...siblings }, { ...scope, resolving: [...scope.resolving] });
  } finally {
    scope.resolving.pop();
  }
}
