/** What the live feed's events do to the page, and the feed's state in the header. */
import { addAlert } from './alerts-view.ts';
import { stockItemFrom } from './api.ts';
import { byId } from './dom.ts';
import type { FeedState } from './feed.ts';
import type { ServerEvent } from './sse.ts';
import { applyStockChange, drawStockSoon, loadStores } from './stock-view.ts';

let feedConnections = 0;

/** One event of the live feed: a stock change, an alert, or `ready` once (re)connected. */
export function applyFeedEvent(event: ServerEvent) {
  // Following again after a reconnect: reload what the page shows, so nothing missed stays wrong.
  if (event.event === 'ready') {
    if (feedConnections++ > 0) void loadStores();
    return;
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    return;
  }
  if (event.event === 'stock') {
    const change = stockItemFrom(payload);
    if (change) applyStockChange(change);
  } else if (event.event === 'alert') {
    const kind = payload.kind === 'back-in-stock' ? 'back-in-stock' : 'out-of-stock';
    addAlert({
      store: String(payload.store),
      item: String(payload.item),
      kind,
      at: typeof payload.at === 'string' ? payload.at : new Date().toISOString(),
    });
  }
  drawStockSoon();
}

export function showFeedState(feed: FeedState) {
  const live = byId('stock-live');
  live.dataset.state = feed;
  live.textContent = feed === 'live' ? 'Live' : feed === 'connecting' ? 'Connecting…' : 'Reconnecting…';
}
