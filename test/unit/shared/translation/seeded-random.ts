/** A small seeded generator (mulberry32) so that property-style runs are reproducible from the seed. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[integer(0, values.length - 1)] as T;
  const chance = (probability: number): boolean => next() < probability;
  const word = (): string => {
    const letters = 'abcdefghijklmnopqrstuvwxyzéü文 "\\\n{}';
    return Array.from({ length: integer(1, 12) }, () => pick([...letters])).join("");
  };
  /** Splits a string into 1..n random consecutive pieces (an empty string gives one empty piece). */
  const split = (text: string): string[] => {
    const pieces: string[] = [];
    let rest = text;
    while (rest.length > 0) {
      const size = integer(1, Math.max(1, Math.min(rest.length, 8)));
      pieces.push(rest.slice(0, size));
      rest = rest.slice(size);
    }
    return pieces.length === 0 ? [""] : pieces;
  };
  return { next, integer, pick, chance, word, split };
}

export type Random = ReturnType<typeof seededRandom>;
