/**
 * Client-side routing with the history API: every view has a URL (so reload, back and a shared
 * link land on the same view), same-origin links change the view without a page load, and the
 * reader's focus moves to the new view's heading.
 */
import { type Route, routeOf } from './routes.ts';

export type { Route };

let show: (route: Route, how: { initial: boolean }) => void = () => {};

export function navigate(path: string, options: { replace?: boolean } = {}) {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  show(routeOf(location.pathname), { initial: false });
}

/** Shows the current view again (after signing in or out). */
export function refresh() {
  show(routeOf(location.pathname), { initial: false });
}

export function startRouter(render: (route: Route, how: { initial: boolean }) => void) {
  show = render;
  addEventListener('popstate', () => show(routeOf(location.pathname), { initial: false }));
  document.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    const link = (event.target as Element | null)?.closest?.('a');
    if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
    // A link within the view (the skip link) is the browser's to follow.
    if (link.hash && link.pathname === location.pathname) return;
    event.preventDefault();
    if (link.pathname !== location.pathname || link.search !== location.search) navigate(link.pathname + link.search);
  });
  show(routeOf(location.pathname), { initial: true });
}
