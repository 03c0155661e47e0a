/**
 * Subscribing a component to a module-level store (session, route, language). Effects run after
 * render, so a change landing between the render and the subscription (a fast /auth/me, say)
 * would be missed for good and leave the page on its spinner: the effect re-checks the snapshot
 * it rendered with, and re-renders if the store moved meanwhile.
 */
import { useEffect, useState } from "preact/hooks";

export function useSubscription(listeners: Set<() => void>, snapshot: () => unknown): void {
  const [, bump] = useState(0);
  const rendered = snapshot();
  useEffect(() => {
    const changed = () => bump((n) => n + 1);
    listeners.add(changed);
    if (snapshot() !== rendered) changed();
    return () => void listeners.delete(changed);
    // Subscribed once for the component's life: `snapshot` is read afresh at every change.
  }, []);
}
