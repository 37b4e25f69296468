// The alerts page: firing, pending, unknown and resolved alerts of the whole fleet, and the rules; refreshed live.
import { getJson, send, el, alertRow, formatTime, LiveConnection, showLiveState, warnWhenOpen } from './common.js';

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
      el('thead', {}, [el('tr', {}, ['State', 'Severity', 'Agent', 'Rule', 'Series', 'Value', 'Since', 'Summary', '']
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

/** Agents whose active alerts are read from their own grain as well: bounds the calls a page makes per refresh. */
const maxAgentsDetailed = 50;

/**
 * The fleet-wide list comes from the alert index (transitions); acknowledgements and silences live in each agent's
 * grain, so the agents with active alerts are asked for theirs and the two are merged by alert id.
 */
async function withAgentState(alerts) {
  const agents = [...new Set(alerts.filter((a) => a.state !== 'resolved').map((a) => a.agent_id))].slice(0, maxAgentsDetailed);
  const lists = await Promise.all(agents.map((agent) => getJson(`api/v1/alerts?agent_id=${encodeURIComponent(agent)}`).catch(() => ({ alerts: [] }))));
  const byId = new Map(lists.flatMap((list) => list.alerts).map((alert) => [alert.id, alert]));
  return alerts.map((alert) => {
    const own = byId.get(alert.id);
    return own ? { ...alert, acknowledged: own.acknowledged, silenced: own.silenced } : alert;
  });
}

async function loadAlerts() {
  try {
    const list = { alerts: await withAgentState((await getJson('api/v1/alerts')).alerts) };
    for (const [state, { count, body }] of sections) {
      const alerts = list.alerts.filter((alert) => alert.state === state)
        .sort((a, b) => Date.parse(b.state_since) - Date.parse(a.state_since));
      count.textContent = `(${alerts.length})`;
      body.replaceChildren(...(alerts.length === 0
        ? [el('tr', {}, [el('td', { text: 'None.', attrs: { colspan: '9' } })])]
        : alerts.map((alert) => alertRow(alert, { withAgent: true, actions }))));
    }
    showError('');
  } catch (failure) {
    showError(`Could not load the alerts: ${failure.message}`);
  }
}

const operator = document.getElementById('operator');
operator.value = localStorage.getItem('monitoring.operator') ?? '';
operator.addEventListener('change', () => localStorage.setItem('monitoring.operator', operator.value.trim()));
document.getElementById('operator-form').addEventListener('submit', (event) => event.preventDefault());

/** Runs an action as the named operator, then shows the new state; a refused action shows the API's reason. */
async function act(action) {
  const by = operator.value.trim();
  if (!by) {
    showError('Enter your name under "Acting as" first.');
    operator.focus();
    return;
  }
  try {
    await action(by);
    showError('');
  } catch (failure) {
    showError(failure.message);
  }
  await Promise.all([loadAlerts(), loadSilences()]);
}

function button(text, onClick) {
  const node = el('button', { text, attrs: { type: 'button' } });
  node.addEventListener('click', onClick);
  return node;
}

/** Acknowledge (active alerts not yet acknowledged) and silence for an hour (this rule on this agent). */
function actions(alert) {
  const nodes = [];
  if (alert.state !== 'resolved' && !alert.acknowledged) {
    nodes.push(button('Acknowledge', () => act((by) => send('POST', `api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, { by }))));
  }
  if (!alert.silenced) {
    nodes.push(button('Silence 1 h', () => act((by) => send('POST', 'api/v1/silences', {
      matchers: { rule_id: alert.rule_id, agent_id: alert.agent_id },
      ends_at: new Date(Date.now() + 3600 * 1000).toISOString(),
      created_by: by,
      comment: `from the Alerts page: ${alert.rule_name}`,
    }))));
  }
  return nodes;
}

function matches(silence) {
  const m = silence.matchers ?? {};
  const parts = [];
  if (m.rule_id) parts.push(`rule ${m.rule_id}`);
  if (m.agent_id) parts.push(`agent ${m.agent_id}`);
  for (const [key, value] of Object.entries(m.labels ?? {})) parts.push(`${key}=${value}`);
  return parts.join(', ');
}

async function loadSilences() {
  try {
    const list = await getJson('api/v1/silences');
    const active = list.silences.filter((silence) => Date.parse(silence.ends_at) > Date.now());
    document.getElementById('silences').replaceChildren(...(active.length === 0
      ? [el('tr', {}, [el('td', { text: 'None.', attrs: { colspan: '6' } })])]
      : active.map((silence) => el('tr', { attrs: { 'data-silence-id': silence.id } }, [
        el('td', { text: matches(silence) }),
        el('td', { text: formatTime(silence.starts_at) }),
        el('td', { text: formatTime(silence.ends_at) }),
        el('td', { text: silence.created_by ?? '' }),
        el('td', { className: 'summary', text: silence.comment ?? '' }),
        el('td', {}, [button('End', () => act(() => send('DELETE', `api/v1/silences/${encodeURIComponent(silence.id)}`)))]),
      ]))));
  } catch (failure) {
    showError(`Could not load the silences: ${failure.message}`);
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
    loadSilences();
    loadRules();
  },
}).start();
setInterval(loadAlerts, 15000);
setInterval(() => {
  loadSilences();
  loadRules();
}, 60000);
warnWhenOpen();
await Promise.all([loadAlerts(), loadSilences(), loadRules()]);
