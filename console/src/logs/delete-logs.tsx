import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { type FilterForm, filterQuery } from "./log-filters.ts";

/**
 * Delete by the current filters, in two steps: count what the filters select (the listing's total, with
 * the very same filter list), then delete on confirmation. The API's DELETE takes no search, so a search
 * must be turned into filters first.
 */
export function DeleteLogs({
  path,
  form,
  deleted,
}: {
  path: string;
  form: FilterForm;
  deleted: () => Promise<void>;
}) {
  const { client } = useSession();
  const [count, setCount] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const prepare = async () => {
    setResult(null);
    try {
      const listing = await client.get<unknown[]>(path, { ...filterQuery(form), per_page: 1 });
      setCount(listing.result_info?.total_count ?? listing.result.length);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  const confirm = async () => {
    try {
      const answer = await client.call<{ deleted: number; status: string }>("DELETE", path, {
        query: filterQuery(form),
      });
      // A large delete is a job still running when the API answers (202): say so, rather than "Deleted 0".
      const { deleted: count, status } = answer.result;
      setResult(
        status === "done"
          ? `Deleted ${count} logs.`
          : `Deleting: ${count} so far; the rest are deleted in the background (refresh to see).`,
      );
      setCount(null);
      await deleted();
    } catch (failure) {
      setError(failure);
    }
  };

  if (form.search.trim()) {
    return <span class="hint">Delete works on filters; clear the search to delete.</span>;
  }
  return (
    <div class="delete-logs">
      {count === null ? (
        <button type="button" class="danger" onClick={prepare}>
          Delete matching logs…
        </button>
      ) : (
        <fieldset class="confirm">
          <legend class="visually-hidden">Confirm log deletion</legend>
          {count === 0
            ? "No log matches."
            : `${count} logs match${filterQuery(form).filters ? " the filters" : " (every log of this gateway)"}.`}{" "}
          {count > 0 ? (
            <button type="button" class="danger" onClick={confirm}>
              Delete {count} logs
            </button>
          ) : null}
          <button type="button" class="secondary" onClick={() => setCount(null)}>
            Cancel
          </button>
        </fieldset>
      )}
      {result ? <span role="status">{result}</span> : null}
      <ErrorMessage error={error} />
    </div>
  );
}
