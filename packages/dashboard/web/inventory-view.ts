/** The inventory section: today's dashboard inside the app, its stock feed open while it is shown. */
import { renderSignIn } from './account-view.ts';
import { renderDashboard } from './dashboard-view.ts';
import { openFeed } from './feed.ts';
import { applyFeedEvent, showFeedState } from './feed-events.ts';
import { refresh } from './router.ts';
import { state } from './state.ts';
import { loadStores } from './stock-view.ts';

export function renderInventory(): (() => void) | undefined {
  const session = state.session;
  if (!session) {
    renderSignIn({ afterwards: refresh });
    return undefined;
  }
  renderDashboard();
  state.closeFeed = openFeed(
    '/api/inventory/feed',
    {
      onEvent: applyFeedEvent,
      onState: showFeedState,
      onUnauthorized: (message) => state.endSession(`${message} Sign in again.`),
    },
    session.token,
  );
  void loadStores();
  return () => {
    state.closeFeed?.();
    state.closeFeed = undefined;
    Object.assign(state, { stores: [], store: undefined });
    state.rows.clear();
  };
}
