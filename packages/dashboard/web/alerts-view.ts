/** The recent alerts list: what the live feed reported since the page opened, newest first. */
import { h } from './dom.ts';
import { type Alert, state } from './state.ts';

export function addAlert(alert: Alert) {
  state.alerts.unshift(alert);
  state.alerts.length = Math.min(state.alerts.length, 50);
  renderAlerts();
}

export function renderAlerts() {
  const list = document.getElementById('alerts');
  if (!list) return;
  if (state.alerts.length === 0) {
    list.replaceChildren(h('li', { class: 'empty' }, 'No alerts since you opened the page.'));
    return;
  }
  list.replaceChildren(
    ...state.alerts.map((alert) =>
      h(
        'li',
        { class: `alert ${alert.kind}`, 'data-kind': alert.kind },
        h(
          'span',
          {},
          alert.kind === 'out-of-stock'
            ? `${alert.store} is out of stock of ${alert.item}`
            : `${alert.store} has ${alert.item} back in stock`,
        ),
        h('time', { datetime: alert.at }, new Date(alert.at).toLocaleTimeString()),
      ),
    ),
  );
}
