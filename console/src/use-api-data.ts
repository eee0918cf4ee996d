import { useCallback, useEffect, useRef, useState } from 'react';

export interface ApiData<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again, keeping the shown data until the new data arrives. */
  reload: () => void;
}

/**
 * Runs `load` when `deps` change and on reload. Results of a superseded call
 * are dropped, so a slow earlier response never overwrites a newer one.
 */
export function useApiData<T>(load: () => Promise<T>, deps: unknown[]): ApiData<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [reloadCount, setReloadCount] = useState(0);
  const callNumber = useRef(0);

  useEffect(() => {
    const thisCall = ++callNumber.current;
    setLoading(true);
    load().then(
      (result) => {
        if (thisCall !== callNumber.current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (thisCall !== callNumber.current) return;
        setError(failure);
        setLoading(false);
      },
    );
    // The caller lists what `load` depends on in `deps`.
  }, [...deps, reloadCount]);

  const reload = useCallback(() => setReloadCount((count) => count + 1), []);
  return { data, error, loading, reload };
}
