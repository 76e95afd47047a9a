import { useState } from "preact/hooks";
import { ErrorMessage } from "./components/error-message.tsx";

/** The sign-in form: an API token (the admin token or a scoped one), which never leaves sessionStorage. */
export function SignIn({ signIn }: { signIn: (token: string) => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem("token") as HTMLInputElement;
    const token = input.value.trim();
    if (!token) return;
    setBusy(true);
    try {
      await signIn(token);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>AI Gateway</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <p class="hint">
          The admin token (<code>AIG_API_TOKEN</code>, or the stack's secret on AWS) or an API token with the{" "}
          <code>read</code> or <code>edit</code> scope. It is kept in this tab only.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <ErrorMessage error={error} />
      </form>
    </main>
  );
}
