import { useCallback, useState } from 'react';

/** Device record ids ticked in the device list, kept across pages, for a bulk action. */
export function useDeviceSelection() {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());

  const toggle = useCallback((id: string) => {
    setIds((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const clear = useCallback(() => setIds(new Set()), []);

  return { ids, toggle, clear };
}

export type DeviceSelection = ReturnType<typeof useDeviceSelection>;
