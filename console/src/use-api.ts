import { useCallback, useEffect, useState } from "preact/hooks";

/** Loads something from the API, keeps the last good value while reloading, and says what failed. */
export function useLoad<T>(load: () => Promise<T>, dependencies: unknown[]) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  // The caller names what the load depends on, as with useCallback itself.
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setValue(await load());
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  }, dependencies);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, loading, reload };
}
