/** Loading state for one request, re-run when its inputs change. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export type Async<T> = { state: "loading"; data?: T } | { state: "ok"; data: T } | { state: "error"; error: unknown; data?: T };

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> & { reload: () => void } {
  const [res, setRes] = useState<Async<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setRes((r) => ({ state: "loading", data: r.data }));
    load().then(
      (data) => mine === seq.current && setRes({ state: "ok", data }),
      (error: unknown) => mine === seq.current && setRes({ state: "error", error }),
    );
    // `load` is a new closure at every render; `deps` say when what it loads really changes.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...res, reload };
}

/**
 * A write from a page: `run(f)` clears the last error, runs `f`, reloads what the page shows on
 * success and returns f's result; on failure it keeps the error (for an ErrorBox) and returns
 * undefined.
 */
export function useMutation(reload: () => void) {
  const [error, setError] = useState<unknown>(null);
  const run = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    setError(null);
    try {
      const r = await f();
      reload();
      return r;
    } catch (e) {
      setError(e);
      return undefined;
    }
  };
  return { error, run };
}
