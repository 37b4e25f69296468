// The alerts page: firing, pending, unknown and resolved alerts of the whole fleet, and the rules; refreshed live.
import { getJson, el, alertRow, LiveConnection, showLiveState } from './common.js';

const states = [
  { state: 'firing', title: 'Firing' },
  { state: 'pending', title: 'Pending' },
  { state: 'unknown', title: 'Unknown (agent down)' },
  { state: 'resolved', title: 'Resolved' },
];

const sections = new Map(states.map(({ state, title }) => {
  const count = el('span', { className: 'count' });
  const body = el('tbody', { attrs: { id: state } });
  const section = el('section', { className: 'panel alerts-section', attrs: { 'data-state': state } }, [
    el('h2', {}, [`${title} `, count]),
    el('table', { className: 'alerts' }, [
      el('thead', {}, [el('tr', {}, ['State', 'Severity', 'Agent', 'Rule', 'Series', 'Value', 'Since', 'Summary']
        .map((name) => el('th', { text: name, attrs: { scope: 'col' } })))]),
      body,
    ]),
  ]);
  return [state, { section, count, body }];
}));
document.getElementById('alert-sections').append(...[...sections.values()].map((s) => s.section));

function showError(message) {
  const error = document.getElementById('load-error');
  error.textContent = message;
  error.hidden = !message;
}

async function loadAlerts() {
  try {
    const list = await getJson('api/v1/alerts');
    for (const [state, { count, body }] of sections) {
      const alerts = list.alerts.filter((alert) => alert.state === state)
        .sort((a, b) => Date.parse(b.state_since) - Date.parse(a.state_since));
      count.textContent = `(${alerts.length})`;
      body.replaceChildren(...(alerts.length === 0
        ? [el('tr', {}, [el('td', { text: 'None.', attrs: { colspan: '8' } })])]
        : alerts.map((alert) => alertRow(alert, { withAgent: true }))));
    }
    showError('');
  } catch (failure) {
    showError(`Could not load the alerts: ${failure.message}`);
  }
}

function condition(rule) {
  if (rule.threshold === null || rule.threshold === undefined) return rule.metric;
  const recovery = rule.recovery_threshold === null || rule.recovery_threshold === undefined ? '' : `, recovers past ${rule.recovery_threshold}`;
  return `${rule.metric} ${rule.comparator} ${rule.threshold}${recovery}`;
}

function scope(rule) {
  const parts = [];
  if (rule.scope?.agent_ids?.length) parts.push(rule.scope.agent_ids.join(', '));
  if (rule.scope?.match) parts.push(`matching ${rule.scope.match}`);
  return parts.length === 0 ? 'every agent' : parts.join('; ');
}

async function loadRules() {
  try {
    const list = await getJson('api/v1/alert-rules');
    document.getElementById('rules-version').textContent = `(version ${list.version})`;
    document.getElementById('rules').replaceChildren(...list.rules.map((rule) => el('tr', { attrs: { 'data-rule-id': rule.id } }, [
      el('td', { text: rule.name, attrs: { title: rule.id } }),
      el('td', { className: 'series', text: condition(rule) }),
      el('td', { text: rule.keep_firing_for && rule.keep_firing_for !== '0s' ? `${rule.for ?? '0s'}, keeps firing ${rule.keep_firing_for}` : (rule.for ?? '0s') }),
      el('td', {}, [el('span', { className: 'severity', text: rule.severity, attrs: { 'data-severity': rule.severity ?? '' } })]),
      el('td', { text: scope(rule) }),
      el('td', { text: rule.enabled === false ? 'no' : 'yes' }),
      el('td', { className: 'summary', text: rule.summary ?? '' }),
    ])));
  } catch (failure) {
    showError(`Could not load the rules: ${failure.message}`);
  }
}

// Any sample may change an alert: read them again at most every 2 s while samples arrive, and every 15 s regardless.
let due = 0;
function refreshSoon() {
  if (due) return;
  due = setTimeout(() => {
    due = 0;
    loadAlerts();
  }, 2000);
}

const indicator = document.getElementById('live-state');
new LiveConnection('api/v1/live', {
  onSample: refreshSoon,
  onState: (state) => showLiveState(indicator, state),
  onReconnected: () => {
    loadAlerts();
    loadRules();
  },
}).start();
setInterval(loadAlerts, 15000);
setInterval(loadRules, 60000);
await Promise.all([loadAlerts(), loadRules()]);
