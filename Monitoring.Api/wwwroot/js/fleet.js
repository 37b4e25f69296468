// The fleet page: every agent with status, headline bars, a one-hour CPU sparkline and last seen; live over SSE.
import { getJson, el, agentHref, formatPercent, formatAgo, formatTime, LiveConnection, showLiveState, coalesce, warnWhenOpen } from './common.js';

const sparkSeconds = 3600;
const sparkPoints = 30;
const sparkConcurrency = 4;
const refreshMilliseconds = 30000;

// The chart library is needed only once sparklines draw, so the table never waits for it.
const chartLibrary = import('../lib/uplot/uPlot.esm.js');
const rows = new Map();
const rowList = document.getElementById('agent-rows');
const filterInput = document.getElementById('filter');
const statusFilter = document.getElementById('status-filter');
let sort = { key: 'agent_id', descending: false };

/** One agent's table row; cells are updated in place when a sample arrives. */
class AgentRow {
  constructor(agent) {
    this.agent = agent;
    this.status = el('span', { className: 'status' });
    this.name = el('a', { attrs: { href: agentHref(agent.agent_id) } });
    this.bars = ['cpu_percent', 'memory_percent', 'disk_percent'].map((key) => new Bar(key));
    this.alerts = el('span', { className: 'alert-count' });
    this.lastSeen = el('time');
    this.spark = el('div', { className: 'spark' });
    const cell = (className, children, text) => el('div', { className: `cell ${className}`, text, attrs: { role: 'cell' } }, children);
    this.node = el('div', { className: 'row', attrs: { role: 'row', 'data-agent-id': agent.agent_id } }, [
      cell('state', [this.status]),
      cell('alerts', [this.alerts]),
      cell('name', [this.name]),
      cell('id', [], agent.agent_id),
      ...this.bars.map((bar) => cell('value', [bar.node])),
      cell('trend', [this.spark]),
      cell('seen', [this.lastSeen]),
    ]);
    this.sparkState = 'none';
    this.sparkData = [[], []];
    this.chart = null;
    this.show();
  }

  update(agent) {
    this.agent = { ...this.agent, ...agent };
    this.show();
  }

  show() {
    const agent = this.agent;
    this.status.textContent = agent.status;
    this.status.dataset.status = agent.status;
    this.name.textContent = agent.agent_name;
    this.alerts.textContent = agent.firing_alerts === undefined ? '–' : String(agent.firing_alerts);
    this.alerts.dataset.count = String(agent.firing_alerts ?? 0);
    for (const bar of this.bars) bar.set(agent[bar.key]);
    this.tick();
  }

  tick() {
    this.lastSeen.textContent = formatAgo(this.agent.last_seen);
    this.lastSeen.dateTime = this.agent.last_seen ?? '';
    this.lastSeen.title = formatTime(this.agent.last_seen);
  }

  /** A live sample: newer than what the row shows means the agent is reporting, so it is up. */
  applySample(sample) {
    const previous = this.agent.last_sample_at ? Date.parse(this.agent.last_sample_at) : 0;
    const at = Date.parse(sample.timestamp);
    if (at >= previous) {
      this.update({
        agent_name: sample.agent_name,
        status: 'up',
        last_sample_at: sample.timestamp,
        last_seen: new Date().toISOString(),
        cpu_percent: sample.cpu_percent,
        memory_percent: sample.memory_percent,
        disk_percent: sample.disk_percent,
      });
      // Two identical animations under different names: switching between them replays the highlight.
      this.flash = this.flash === 'fresh-a' ? 'fresh-b' : 'fresh-a';
      this.node.className = `row ${this.flash}`;
    }
    if (this.sparkState === 'drawn' && sample.cpu_percent !== null && sample.cpu_percent !== undefined) {
      const [times, values] = this.sparkData;
      const t = at / 1000;
      if (times.length === 0 || t > times[times.length - 1]) {
        times.push(t);
        values.push(sample.cpu_percent);
        while (times.length > 0 && times[0] < t - sparkSeconds) {
          times.shift();
          values.shift();
        }
        this.chart.setData(this.sparkData);
      }
    }
  }

  async loadSpark() {
    this.sparkState = 'loading';
    const to = new Date();
    const from = new Date(to.getTime() - sparkSeconds * 1000);
    const query = `from=${from.toISOString()}&to=${to.toISOString()}&max_points=${sparkPoints}`;
    try {
      const history = await getJson(`api/v1/metrics/${encodeURIComponent(this.agent.agent_id)}/history?${query}`);
      const times = [];
      const values = [];
      for (const point of history.buckets ?? history.samples ?? []) {
        times.push(Date.parse(point.start ?? point.timestamp) / 1000);
        values.push(cpuOf(point));
      }
      this.sparkData = [times, values];
      const { default: uPlot } = await chartLibrary;
      this.chart = new uPlot(sparkOptions(), this.sparkData, this.spark);
      this.spark.dataset.points = String(times.length);
      this.sparkState = 'drawn';
    } catch {
      this.sparkState = 'none';
    }
  }
}

/** The sample's CPU value: a bucket's average or a raw sample's value, by series name when history gives one. */
function cpuOf(point) {
  const value = point.series?.cpu_percent ?? point.cpu_percent;
  return typeof value === 'object' && value !== null ? value.avg : value;
}

function sparkOptions() {
  return {
    width: 120,
    height: 28,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false },
    axes: [{ show: false }, { show: false }],
    scales: {
      x: { time: true, range: () => [Date.now() / 1000 - sparkSeconds, Date.now() / 1000] },
      y: { range: [0, 100] },
    },
    series: [{}, { stroke: '#2563eb', width: 1, fill: 'rgba(37, 99, 235, 0.15)', points: { show: (u) => u.data[0].length < 3, size: 3 } }],
  };
}

/** A percent bar: the fill's width is set through the CSSOM, which the page's CSP allows (no inline style). */
class Bar {
  constructor(key) {
    this.key = key;
    this.fill = el('span', { className: 'bar-fill' });
    this.label = el('span', { className: 'bar-label' });
    this.node = el('span', { className: 'bar' }, [this.fill, this.label]);
  }

  set(value) {
    const known = value !== null && value !== undefined;
    this.fill.style.width = known ? `${Math.min(100, Math.max(0, value))}%` : '0';
    this.fill.dataset.level = !known ? '' : value >= 90 ? 'critical' : value >= 80 ? 'warning' : 'ok';
    this.label.textContent = formatPercent(value);
  }
}

const sparkQueue = [];
let sparkRunning = 0;

function queueSpark(row) {
  if (row.sparkState !== 'none') return;
  row.sparkState = 'queued';
  sparkQueue.push(row);
  pumpSparks();
}

function pumpSparks() {
  while (sparkRunning < sparkConcurrency && sparkQueue.length > 0) {
    const row = sparkQueue.shift();
    sparkRunning++;
    row.loadSpark().finally(() => {
      sparkRunning--;
      pumpSparks();
    });
  }
}

// Sparklines load only for rows on screen, so a fleet of thousands costs a few history queries, not thousands.
const sparkObserver = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (entry.isIntersecting) queueSpark(entry.target.row);
  }
}, { rootMargin: '200px' });

function upsert(agent) {
  let row = rows.get(agent.agent_id);
  if (row) {
    row.update(agent);
    return false;
  }
  row = new AgentRow(agent);
  row.spark.row = row;
  sparkObserver.observe(row.spark);
  rows.set(agent.agent_id, row);
  return true;
}

function compare(a, b) {
  const x = a.agent[sort.key];
  const y = b.agent[sort.key];
  let order;
  if (x === y) order = 0;
  else if (x === null || x === undefined) order = 1;
  else if (y === null || y === undefined) order = -1;
  else if (typeof x === 'number' && typeof y === 'number') order = x - y;
  else order = String(x).localeCompare(String(y));
  if (order === 0) order = a.agent.agent_id.localeCompare(b.agent.agent_id);
  return sort.descending ? -order : order;
}

function render() {
  const text = filterInput.value.trim().toLowerCase();
  const status = statusFilter.value;
  const shown = [...rows.values()]
    .filter((row) => (!status || row.agent.status === status)
      && (!text || row.agent.agent_id.toLowerCase().includes(text) || row.agent.agent_name.toLowerCase().includes(text)))
    .sort(compare);
  rowList.replaceChildren(...shown.map((row) => row.node));
  document.getElementById('shown').textContent = `${shown.length} of ${rows.size} shown`;
  document.getElementById('empty').hidden = rows.size > 0;
  document.getElementById('fleet').hidden = rows.size === 0;
  for (const th of document.querySelectorAll('[role=columnheader][data-sort]')) {
    th.setAttribute('aria-sort', th.dataset.sort === sort.key ? (sort.descending ? 'descending' : 'ascending') : 'none');
  }
  renderTotals();
  rowList.dataset.rendered = String(shown.length);
}

function renderTotals() {
  const counts = new Map();
  for (const row of rows.values()) counts.set(row.agent.status, (counts.get(row.agent.status) ?? 0) + 1);
  const statuses = [...new Set(['up', 'down', ...counts.keys()])];
  const totals = document.getElementById('totals');
  totals.replaceChildren(
    total('agents', rows.size, 'total'),
    ...statuses.map((status) => total(status, counts.get(status) ?? 0, status)),
    total('alerts firing', firingTotal ?? '–', 'alerts'));
  const selected = statusFilter.value;
  statusFilter.replaceChildren(el('option', { text: 'all', attrs: { value: '' } }),
    ...statuses.map((status) => el('option', { text: status, attrs: { value: status } })));
  statusFilter.value = selected;
}

function total(label, count, kind) {
  return el('div', { className: 'total', attrs: { 'data-kind': kind } }, [
    el('span', { className: 'total-count', text: count }),
    el('span', { className: 'total-label', text: label }),
  ]);
}

let firingTotal = null;

/** Firing alerts per agent, from one fleet-wide query (the alert index, not a call per agent). */
async function loadAlerts() {
  try {
    const list = await getJson('api/v1/alerts?state=firing');
    const counts = new Map();
    for (const alert of list.alerts) counts.set(alert.agent_id, (counts.get(alert.agent_id) ?? 0) + 1);
    for (const row of rows.values()) {
      const count = counts.get(row.agent.agent_id) ?? 0;
      if (row.agent.firing_alerts !== count) row.update({ firing_alerts: count });
    }
    firingTotal = list.alerts.length;
    renderTotals();
  } catch {
    // Alerts are extra: the fleet stays usable when they cannot be read.
  }
}

async function load() {
  const error = document.getElementById('load-error');
  try {
    // The list comes a page at a time (at most 1 000 agents each): follow next_cursor to the last page.
    let path = 'api/v1/agents';
    do {
      const page = await getJson(path);
      for (const agent of page.agents) upsert(agent);
      path = page.next_cursor ? `api/v1/agents?cursor=${encodeURIComponent(page.next_cursor)}` : null;
    } while (path);
    error.hidden = true;
    render();
    loadAlerts();
    if (performance.getEntriesByName('fleet-rendered').length === 0) {
      // Marks for bench/dashboard.sh: rows in the DOM, then the first frame that shows them.
      performance.mark('fleet-rendered');
      requestAnimationFrame(() => setTimeout(() => performance.mark('fleet-painted'), 0));
    }
  } catch (failure) {
    error.textContent = `Could not load the fleet: ${failure.message}. Retrying…`;
    error.hidden = false;
  }
}

// A sample may fire or resolve an alert: while samples arrive, counts are read again at most every 5 s.
const refreshAlertsSoon = coalesce(() => loadAlerts(), 5000);

function onSample(sample) {
  const added = !rows.has(sample.agent_id) && upsert({
    agent_id: sample.agent_id,
    agent_name: sample.agent_name,
    status: 'up',
    first_seen: sample.timestamp,
    last_seen: new Date().toISOString(),
    interval_seconds: sample.interval_seconds ?? 60,
    last_sample_at: null,
  });
  rows.get(sample.agent_id).applySample(sample);
  if (added) render();
  else renderTotals();
  refreshAlertsSoon();
}

for (const th of document.querySelectorAll('[role=columnheader][data-sort]')) {
  th.tabIndex = 0;
  const toggle = () => {
    sort = { key: th.dataset.sort, descending: sort.key === th.dataset.sort ? !sort.descending : false };
    render();
  };
  th.addEventListener('click', toggle);
  th.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      toggle();
    }
  });
}
filterInput.addEventListener('input', render);
statusFilter.addEventListener('change', render);
document.getElementById('empty-command').textContent =
  `SERVER_URL=${location.origin} AGENT_ID=web-01 dotnet run --project Monitoring.Agent`;
document.getElementById('empty-binary-command').textContent = `SERVER_URL=${location.origin} AGENT_ID=web-01 ./Monitoring.Agent`;

const indicator = document.getElementById('live-state');
new LiveConnection('api/v1/live', {
  onSample,
  onState: (state) => showLiveState(indicator, state),
  onReconnected: load,
}).start();
warnWhenOpen();
await load();
setInterval(load, refreshMilliseconds);
setInterval(() => {
  for (const row of rows.values()) row.tick();
}, 5000);
