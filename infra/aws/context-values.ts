import { z } from "zod";

/**
 * Zod schemas for single CDK context values. A value given with `cdk -c key=value` arrives as a string;
 * the same key in cdk.json keeps its JSON type; every schema here accepts both. Each schema carries, as its
 * description, the expected form a synth error shows ("must be <description>"), so a new setting states
 * its own message where it is declared.
 */

/** Turns a `-c` string into the JSON type the schema checks; anything it cannot convert passes unchanged. */
const fromText =
  (convert: (text: string) => unknown) =>
  (value: unknown): unknown =>
    typeof value === "string" ? convert(value) : value;

const parseJsonOrKeep = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const numberOrKeep = (text: string): unknown => (text.trim() === "" ? text : Number(text));

export const nonEmptyString = () => z.string().min(1).optional().describe("a non-empty string");

export const matching = (pattern: RegExp, expected: string) =>
  z.string().regex(pattern).optional().describe(expected);

export const positiveInteger = () =>
  z.preprocess(fromText(numberOrKeep), z.number().int().positive()).optional().describe("a positive integer");

export const wholeDays = () =>
  z
    .preprocess(fromText(numberOrKeep), z.number().int().nonnegative())
    .optional()
    .describe("a whole number of days, 0 or more");

export const flag = () =>
  z
    .preprocess(
      fromText((text) => (text === "true" ? true : text === "false" ? false : text)),
      z.boolean(),
    )
    .optional()
    .describe("true or false");

export const stringRecord = (expected: string) =>
  z.preprocess(fromText(parseJsonOrKeep), z.record(z.string(), z.string())).optional().describe(expected);

/**
 * A list of strings: a JSON array (cdk.json, or `-c key='["a","b"]'`) or a comma-separated string
 * (`-c key=a,b`). An empty string is an empty list. Entries are trimmed; empty entries are refused.
 */
export const stringList = () =>
  z
    .preprocess(
      fromText((text) => {
        const trimmed = text.trim();
        if (trimmed.startsWith("[")) return parseJsonOrKeep(trimmed);
        return trimmed === "" ? [] : trimmed.split(",");
      }),
      z.array(z.string().trim().min(1)),
    )
    .optional()
    .describe('a comma-separated list or a JSON array of non-empty strings such as ["a.internal"]');

/** One of a fixed set of numbers (given as a number or its digits). */
export const oneOfNumbers = <Value extends number>(allowed: readonly Value[]) =>
  z
    .preprocess(
      fromText(numberOrKeep),
      z
        .number()
        .refine((number) => allowed.includes(number as Value))
        .transform((number) => number as Value),
    )
    .optional()
    .describe(`one of ${allowed.join(", ")}`);

/** One of a fixed set of words (after `normalize`), turned into the value the stack takes. */
export const oneOfWords = <Output>(
  choices: Readonly<Record<string, Output>>,
  normalize: (text: string) => string = (text) => text,
) =>
  z
    .preprocess(
      fromText(normalize),
      z.enum(Object.keys(choices) as [string, ...string[]]).transform((word) => choices[word] as Output),
    )
    .optional()
    .describe(
      `one of ${Object.keys(choices)
        .map((word) => JSON.stringify(word))
        .join(", ")}`,
    );
