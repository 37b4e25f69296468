// The agent page: info, network checks and history charts over a chosen range, fed by history and the live feed.
import uPlot from '../lib/uplot/uPlot.esm.js';
import {
  getJson, el, alertRow, formatPercent, formatBytes, formatRate, formatDuration, formatAgo, formatTime, formatEta, LiveConnection, showLiveState, coalesce, warnWhenOpen,
} from './common.js';

warnWhenOpen();
const params = new URLSearchParams(location.search);
const agentId = params.get('id') ?? '';
const api = `api/v1/metrics/${encodeURIComponent(agentId)}`;
const maxPoints = 600;

/** The CPU chart's line of bucket maxima; not a history series name, so it never collides with one. */
const peakCpu = 'cpu_percent (max)';

const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

const number = (digits) => (value) => (value === null || value === undefined ? '–' : value.toFixed(digits));

/** Each chart takes the series whose names (MetricSeries.cs) it matches, labelled by what the name brackets. */
const charts = [
  {
    id: 'cpu', title: 'CPU (total and per core)', format: formatPercent, range: [0, 100],
    label: (name) => {
      if (name === 'cpu_percent') return 'total';
      if (name === peakCpu) return 'total (bucket max)';
      const match = /^cpu\.core\[(\d+)\]$/.exec(name);
      return match ? `core ${match[1]}` : undefined;
    },
  },
  { id: 'memory', title: 'Memory', format: formatPercent, range: [0, 100], label: (name) => (name === 'memory.percent' ? 'used' : undefined) },
  { id: 'swap', title: 'Swap', format: formatPercent, range: [0, 100], label: (name) => (name === 'swap.percent' ? 'used' : undefined) },
  {
    id: 'disk', title: 'Disk usage per mount', format: formatPercent, range: [0, 100],
    label: (name) => /^disk\[(.*)\]\.percent$/.exec(name)?.[1],
    fallback: { 'disk.percent': '/' },
    trend: { full: 100 },
  },
  {
    id: 'network', title: 'Interface rates', format: formatRate,
    label: (name) => {
      const match = /^net\[(.*)\]\.(rx|tx)_bytes_per_sec$/.exec(name);
      return match ? `${match[1]} ${match[2] === 'rx' ? 'in' : 'out'}` : undefined;
    },
  },
  {
    id: 'latency', title: 'Network check latency', format: (value) => (value === null || value === undefined ? '–' : `${value.toFixed(1)} ms`),
    label: (name) => /^check\[(.*)\]\.latency_ms$/.exec(name)?.[1],
  },
  {
    id: 'reachability', title: 'Network check reachability', format: formatPercent, range: [0, 100], scale: 100,
    label: (name) => /^check\[(.*)\]\.reachable$/.exec(name)?.[1],
  },
  {
    id: 'temperature', title: 'Temperatures', format: (value) => (value === null || value === undefined ? '–' : `${value.toFixed(1)} °C`),
    label: (name) => /^temp\[(.*)\]\.celsius$/.exec(name)?.[1],
  },
  {
    id: 'fans', title: 'Fans', format: (value) => (value === null || value === undefined ? '–' : `${value.toFixed(0)} rpm`),
    label: (name) => /^fan\[(.*)\]\.rpm$/.exec(name)?.[1],
  },
  {
    id: 'frequency', title: 'CPU frequency', format: (value) => (value === null || value === undefined ? '–' : `${(value / 1000).toFixed(2)} GHz`),
    label: (name) => (name === 'cpu.frequency_mhz' ? 'mean' : undefined),
  },
  {
    id: 'disk-temperature', title: 'Disk temperature', format: (value) => (value === null || value === undefined ? '–' : `${value.toFixed(0)} °C`),
    label: (name) => /^smart\[(.*)\]\.temperature_celsius$/.exec(name)?.[1],
  },
  {
    id: 'load', title: 'Load average', format: number(2),
    label: (name) => {
      const match = /^load\.load(1|5|15)$/.exec(name);
      return match ? `${match[1]} min` : undefined;
    },
  },
];

/** Points of the range on screen: times in seconds and one value per series name. */
let points = [];
let range = { seconds: Number(params.get('range')) || 3600 };
/** The x axis always spans the chosen range, in seconds, however few points it holds. */
const xWindow = { min: 0, max: 0 };
const rendered = new Map();

/** History answers raw samples or buckets; both become {t, values}, by series name where history gives them. */
function toPoint(item) {
  const values = new Map();
  const series = item.series ?? {};
  for (const [name, value] of Object.entries(series)) {
    values.set(name, typeof value === 'object' && value !== null ? value.avg : value);
  }
  // An average over a long bucket hides short spikes: the CPU chart also draws each bucket's peak.
  const cpuMax = series.cpu_percent?.max ?? item.cpu_percent?.max;
  if (cpuMax !== undefined && cpuMax !== null) values.set(peakCpu, cpuMax);
  const headline = { cpu_percent: item.cpu_percent, 'memory.percent': item.memory_percent, 'disk.percent': item.disk_percent };
  for (const [name, value] of Object.entries(headline)) {
    if (!values.has(name) && value !== undefined && value !== null) values.set(name, typeof value === 'object' ? value.avg : value);
  }
  for (const check of item.network ?? []) {
    const target = check.url ?? (check.port !== undefined && check.port !== null ? `${check.host}:${check.port}` : check.host);
    if (check.latency_ms !== undefined && check.latency_ms !== null && !values.has(`check[${target}].latency_ms`)) {
      values.set(`check[${target}].latency_ms`, check.latency_ms);
    }
    if (!values.has(`check[${target}].reachable`)) values.set(`check[${target}].reachable`, check.status === 'down' ? 0 : 1);
  }
  return { t: Date.parse(item.start ?? item.timestamp) / 1000, values };
}

function currentWindow() {
  if (range.from) return { from: range.from, to: range.to };
  const to = new Date();
  return { from: new Date(to.getTime() - range.seconds * 1000), to };
}

async function loadHistory() {
  const { from, to } = currentWindow();
  xWindow.min = from.getTime() / 1000;
  xWindow.max = to.getTime() / 1000;
  const query = `from=${from.toISOString()}&to=${to.toISOString()}&max_points=${maxPoints}`;
  try {
    const history = await getJson(`${api}/history?${query}`);
    points = (history.buckets ?? history.samples ?? []).map(toPoint);
    const count = (noun) => `${points.length} ${noun}${points.length === 1 ? '' : 's'}`;
    const info = history.step_seconds ? `${count('point')}, one per ${formatDuration(history.step_seconds)}` : count('sample');
    document.getElementById('range-info').textContent = `${formatTime(from.toISOString())} – ${formatTime(to.toISOString())} · ${info}`;
    drawCharts();
  } catch (failure) {
    showError(`Could not load history: ${failure.message}`);
  }
}

function drawCharts() {
  const container = document.getElementById('charts');
  const names = new Set();
  for (const point of points) for (const name of point.values.keys()) names.add(name);
  const seen = new Set();
  for (const chart of charts) {
    let members = [...names].map((name) => ({ name, label: chart.label(name) })).filter((m) => m.label !== undefined && m.label !== null);
    if (members.length === 0 && chart.fallback) {
      members = Object.entries(chart.fallback).filter(([name]) => names.has(name)).map(([name, label]) => ({ name, label }));
    }
    members.sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
    if (chart.id === 'cpu') {
      const rank = (name) => (name === 'cpu_percent' ? 0 : name === peakCpu ? 1 : 2);
      members.sort((a, b) => rank(a.name) - rank(b.name));
    }
    seen.add(chart.id);
    drawChart(container, chart, members);
  }
  for (const [id, entry] of rendered) {
    if (!seen.has(id)) {
      entry.plot?.destroy();
      entry.section.remove();
      rendered.delete(id);
    }
  }
}

/** The window and reach of the default mount_fills rule: the trend drawn is the line the silo's forecast judges. */
const trendWindowSeconds = 6 * 3600;
const forecastReachSeconds = 7 * 86400;

/**
 * The least-squares line through a column's points of the last trend window, as the silo fits it: null for fewer than
 * five points or points spanning less than a quarter of the window, which predict nothing.
 */
function fitTrend(xs, column) {
  const origin = xs[xs.length - 1];
  let n = 0, st = 0, sv = 0, stt = 0, stv = 0, first = Infinity, last = -Infinity;
  column.forEach((v, i) => {
    if (v === null || xs[i] < origin - trendWindowSeconds) return;
    const t = xs[i] - origin;
    n += 1; st += t; sv += v; stt += t * t; stv += t * v;
    first = Math.min(first, xs[i]); last = Math.max(last, xs[i]);
  });
  const sxx = stt - (st * st) / n;
  if (n < 5 || last - first < trendWindowSeconds / 4 || !(sxx > 0)) return null;
  const slope = (stv - (st * sv) / n) / sxx;
  return { origin, from: first, value: (sv - slope * st) / n, slope };
}

/** The trend lines of a chart that draws them (dashed, one per member) and the notes on the crossings within a week. */
function trends(chart, members, xs, columns) {
  if (!chart.trend || xs.length === 0) return { extra: [], notes: [] };
  const extra = [];
  const notes = [];
  members.forEach((m, i) => {
    const line = fitTrend(xs, columns[i]);
    if (!line) return;
    extra.push({ member: { name: `trend:${m.name}`, label: `${m.label} trend`, trendOf: i }, column: xs.map((x) => (x >= line.from ? line.value + line.slope * (x - line.origin) : null)) });
    const reached = line.value >= chart.trend.full;
    const crossing = reached ? line.origin : line.slope > 0 ? line.origin + (chart.trend.full - line.value) / line.slope : null;
    const left = crossing === null ? null : crossing - Date.now() / 1000;
    if (left !== null && left <= forecastReachSeconds) {
      notes.push(el('span', { className: 'full', text: `${m.label} full ${left < 60 ? 'now' : `in ${formatEta(left)}`}`, attrs: { 'data-mount': m.label, title: formatTime(new Date(crossing * 1000).toISOString()) } }));
    }
  });
  return { extra, notes };
}

function drawChart(container, chart, members) {
  let entry = rendered.get(chart.id);
  if (!entry) {
    const target = el('div', { className: 'chart', attrs: { 'data-chart': chart.id } });
    const notes = el('p', { className: 'chart-notes', attrs: { 'data-forecast': chart.id } });
    const section = el('section', { className: 'chart-panel' }, [el('h2', { text: chart.title }), target, notes]);
    container.append(section);
    entry = { section, target, notes, plot: null, key: '' };
    rendered.set(chart.id, entry);
  }
  const xs = points.map((p) => p.t);
  const scale = chart.scale ?? 1;
  const measured = members.map((m) => points.map((p) => (p.values.has(m.name) ? p.values.get(m.name) * scale : null)));
  const drawn = measured.reduce((count, column) => count + column.filter((v) => v !== null).length, 0);
  entry.target.dataset.points = String(drawn);
  const { extra, notes } = trends(chart, members, xs, measured);
  entry.target.dataset.trends = String(extra.length);
  entry.notes.replaceChildren(...notes.flatMap((note, i) => (i === 0 ? [note] : [' · ', note])));
  entry.notes.hidden = notes.length === 0;
  const columns = [...measured, ...extra.map((e) => e.column)];
  const trendMembers = extra.map((e) => e.member);
  entry.section.hidden = members.length === 0;
  members = [...members, ...trendMembers];
  const key = members.map((m) => m.name).join('\n');
  if (members.length === 0) {
    entry.plot?.destroy();
    entry.plot = null;
    entry.key = key;
    return;
  }
  const data = [xs, ...columns];
  if (entry.plot && entry.key === key) {
    entry.plot.setData(data);
    return;
  }
  entry.plot?.destroy();
  entry.key = key;
  entry.plot = new uPlot({
    width: Math.max(300, entry.target.clientWidth || container.clientWidth),
    height: 220,
    scales: { x: { time: true, range: () => [xWindow.min, xWindow.max] }, y: chart.range ? { range: chart.range } : {} },
    axes: [{}, { values: (_, ticks) => ticks.map(chart.format), size: 70 }],
    series: [
      {},
      ...members.map((m, i) => ({
        label: m.label,
        stroke: m.name === peakCpu ? palette[0] : palette[(m.trendOf ?? i) % palette.length],
        dash: m.name === peakCpu || m.trendOf !== undefined ? [4, 4] : undefined,
        width: 1.5,
        value: (_, v) => chart.format(v),
        points: { show: (u) => m.trendOf === undefined && u.data[0].length < 60 },
      })),
    ],
  }, data, entry.target);
}

/** A live sample joins the charts when the range ends now; a custom range in the past stays as it is. */
function appendLive(sample) {
  if (range.from || !sample.series) return;
  const point = { t: Date.parse(sample.timestamp) / 1000, values: new Map(Object.entries(sample.series)) };
  if (points.length > 0 && point.t <= points[points.length - 1].t) return;
  points.push(point);
  xWindow.max = Math.max(Date.now() / 1000, point.t);
  xWindow.min = xWindow.max - range.seconds;
  const oldest = xWindow.min;
  while (points.length > 0 && points[0].t < oldest) points.shift();
  drawCharts();
}

function showError(message) {
  const error = document.getElementById('load-error');
  error.textContent = message;
  error.hidden = !message;
}

let summary = null;
let latest = null;

function renderInfo() {
  const agent = latest?.agent ?? {};
  const system = latest?.system ?? {};
  document.title = `${summary?.agent_name ?? agentId} · Monitoring`;
  document.getElementById('agent-name').textContent = summary?.agent_name ?? agentId;
  document.getElementById('agent-id').textContent = agentId;
  const status = document.getElementById('agent-status');
  status.textContent = summary?.status ?? '';
  status.dataset.status = summary?.status ?? '';
  const rows = [
    ['Last seen', summary ? `${formatAgo(summary.last_seen)} (${formatTime(summary.last_seen)})` : '–'],
    ['First seen', formatTime(summary?.first_seen)],
    ['Interval', summary ? formatDuration(summary.interval_seconds) : '–'],
    ['Version', agent.version ?? '–'],
    ['OS', agent.os ?? '–'],
    ['Uptime', formatDuration(system.uptime_seconds)],
    ['Booted', formatTime(system.boot_time)],
    ['CPUs', system.cpu?.count ?? '–'],
    ['Processes', system.processes?.total ?? '–'],
    ['Memory', system.memory?.total ? `${formatBytes(system.memory.used)} of ${formatBytes(system.memory.total)}` : formatPercent(system.memory?.percent)],
    ['Spool', agent.spool_depth == null ? '–' : `${agent.spool_depth} unsent (${formatBytes(agent.spool_bytes)})`],
    ...(agent.spool_error ? [['Spool refuses writes', `${agent.spool_memory_samples ?? 0} samples kept in memory: ${agent.spool_error}`]] : []),
    ['Oldest unsent', formatDuration(agent.oldest_unsent_seconds)],
    ['Dropped', agent.dropped_total ?? '–'],
    ['Rejected', agent.rejected_total ?? '–'],
    ['Clock offset', agent.clock_offset_ms == null ? '–' : `${agent.clock_offset_ms.toFixed(1)} ms`],
  ];
  document.getElementById('info').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));
  const checks = latest?.network ?? [];
  document.getElementById('checks').replaceChildren(...(checks.length === 0
    ? [el('tr', {}, [el('td', { text: 'No network checks configured.', attrs: { colspan: '5' } })])]
    : checks.map((check) => el('tr', {}, [
      el('td', { text: check.url ?? (check.port ? `${check.host}:${check.port}` : check.host) }),
      el('td', { text: check.kind ?? '–' }),
      el('td', {}, [el('span', { className: 'status', text: check.status_code ? `${check.status} (${check.status_code})` : check.status, attrs: { 'data-status': check.status } })]),
      el('td', { text: check.latency_ms === undefined || check.latency_ms === null ? '–' : `${check.latency_ms.toFixed(1)} ms` }),
      el('td', { text: check.error ?? '' }),
    ]))));
  renderProcesses(system.processes);
}

/** The latest sample's top processes; an agent that sends none (TOP_PROCESSES=0, an older agent, the seed's) says so. */
function renderProcesses(processes) {
  const rows = (list, none) => (list?.length
    ? list.map((process) => el('tr', { attrs: { 'data-pid': String(process.pid) } }, [
      el('td', { text: process.pid ?? '–' }),
      el('td', { text: process.name ?? '–' }),
      el('td', { text: formatPercent(process.cpu_percent) }),
      el('td', { text: formatBytes(process.rss_bytes) }),
    ]))
    : [el('tr', {}, [el('td', { text: processes ? none : 'The latest sample lists no processes.', attrs: { colspan: '4' } })])]);
  document.getElementById('processes-cpu').replaceChildren(...rows(processes?.by_cpu, 'No process used CPU in the interval.'));
  document.getElementById('processes-memory').replaceChildren(...rows(processes?.by_memory, 'No process holds resident memory.'));
}

/** A table's rows, or one row spanning it that says why it is empty. */
function tableRows(id, items, columns, empty, row) {
  document.getElementById(id).replaceChildren(...(items.length === 0
    ? [el('tr', {}, [el('td', { text: empty, attrs: { colspan: String(columns) } })])]
    : items.map((item) => el('tr', {}, row(item)))));
}

const statusCell = (text, up) => el('td', {}, [el('span', { className: 'status', text, attrs: { 'data-status': up ? 'up' : 'down' } })]);
const orDash = (value, unit = '') => (value === undefined || value === null ? '–' : `${value}${unit}`);

/** S.M.A.R.T. per disk, mdraid arrays and systemd units of the latest sample (MetricsReport.system.disk_health and .services). */
function renderHealth() {
  const system = latest?.system ?? {};
  tableRows('smart', system.disk_health?.smart ?? [], 7, 'No S.M.A.R.T. reading (smartctl not installed, not permitted, or SMART_ENABLED=false).', (disk) => [
    el('td', { text: disk.device }),
    el('td', { text: [disk.model, disk.serial].filter(Boolean).join(' · ') || '–' }),
    disk.healthy === undefined || disk.healthy === null ? el('td', { text: '–' }) : statusCell(disk.healthy ? 'passed' : 'failing', disk.healthy),
    el('td', { text: orDash(disk.temperature_celsius, ' °C') }),
    el('td', { text: disk.power_on_hours == null ? '–' : formatDuration(disk.power_on_hours * 3600) }),
    el('td', { text: disk.reallocated_sectors == null && disk.pending_sectors == null ? '–' : `${orDash(disk.reallocated_sectors)} / ${orDash(disk.pending_sectors)}` }),
    el('td', { text: orDash(disk.percentage_used, '% used') }),
  ]);
  tableRows('raid', system.disk_health?.raid ?? [], 5, 'No software RAID arrays.', (array) => [
    el('td', { text: array.name }),
    el('td', { text: array.level ?? '–' }),
    statusCell(array.state ?? '–', array.state === 'healthy'),
    el('td', { text: array.total_disks == null ? orDash(array.failed_disks) : `${orDash(array.failed_disks)} of ${array.total_disks}` }),
    el('td', { text: orDash(array.recovery_percent, '%') }),
  ]);
  tableRows('services', system.services ?? [], 3, 'No failed units, and none named in the agent\'s SERVICES.', (unit) => [
    el('td', { text: unit.unit }),
    statusCell(unit.sub_state ? `${unit.active_state} (${unit.sub_state})` : unit.active_state, ['active', 'reloading', 'refreshing'].includes(unit.active_state)),
    el('td', { text: orDash(unit.restarts) }),
  ]);
}

async function loadInfo() {
  try {
    [summary, latest] = await Promise.all([getJson(`api/v1/agents/${encodeURIComponent(agentId)}`), getJson(`${api}/latest`)]);
    showError('');
  } catch (failure) {
    showError(failure.status === 404 ? `No sample from agent "${agentId}" has been received.` : `Could not load the agent: ${failure.message}`);
  }
  renderInfo();
  renderHealth();
}

async function loadAlerts() {
  try {
    const list = await getJson(`api/v1/alerts?agent_id=${encodeURIComponent(agentId)}`);
    const order = { firing: 0, pending: 1, unknown: 2, resolved: 3 };
    const alerts = list.alerts.sort((a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9) || a.rule_name.localeCompare(b.rule_name));
    document.getElementById('alerts').replaceChildren(...(alerts.length === 0
      ? [el('tr', {}, [el('td', { text: 'No alerts.', attrs: { colspan: '7' } })])]
      : alerts.map((alert) => alertRow(alert, { withAgent: false }))));
  } catch {
    // Alerts are extra: the agent page stays usable when they cannot be read.
  }
}

// A sample may start or end an alert; reading them again at most every 2 s keeps a chatty agent cheap.
const refreshAlertsSoon = coalesce(() => loadAlerts(), 2000);

function onSample(sample) {
  if (summary) {
    summary = { ...summary, agent_name: sample.agent_name, status: 'up', last_seen: new Date().toISOString(), last_sample_at: sample.timestamp };
  }
  if (!latest || Date.parse(sample.timestamp) >= Date.parse(latest.timestamp)) {
    latest = {
      ...latest,
      timestamp: sample.timestamp,
      agent: sample.agent ?? latest?.agent,
      network: sample.network ?? latest?.network,
      system: { ...latest?.system, uptime_seconds: sample.series?.uptime_seconds ?? latest?.system?.uptime_seconds, processes: sample.processes },
    };
  }
  if (!summary) loadInfo();
  else renderInfo();
  appendLive(sample);
  refreshAlertsSoon();
}

function selectRange(seconds) {
  range = { seconds };
  params.set('range', String(seconds));
  history.replaceState(null, '', `?${params}`);
  for (const button of document.querySelectorAll('[data-range]')) button.setAttribute('aria-pressed', String(Number(button.dataset.range) === seconds));
  loadHistory();
}

for (const button of document.querySelectorAll('[data-range]')) button.addEventListener('click', () => selectRange(Number(button.dataset.range)));
document.getElementById('custom-range').addEventListener('submit', (event) => {
  event.preventDefault();
  const from = new Date(document.getElementById('custom-from').value);
  const to = new Date(document.getElementById('custom-to').value);
  if (!(from < to)) {
    showError('The custom range needs a start before its end.');
    return;
  }
  range = { from, to };
  for (const button of document.querySelectorAll('[data-range]')) button.setAttribute('aria-pressed', 'false');
  loadHistory();
});
window.addEventListener('resize', () => {
  for (const entry of rendered.values()) entry.plot?.setSize({ width: Math.max(300, entry.target.clientWidth), height: 220 });
});
setInterval(renderInfo, 5000);
// Status changes without a sample (an agent going down) come from the API, not from the live feed.
setInterval(() => {
  if (!agentId) return;
  loadInfo();
  loadAlerts();
}, 30000);

if (!agentId) {
  showError('No agent chosen: open an agent from the fleet page.');
} else {
  const indicator = document.getElementById('live-state');
  new LiveConnection(`api/v1/live?agent_id=${encodeURIComponent(agentId)}`, {
    onSample,
    onState: (state) => showLiveState(indicator, state),
    onReconnected: () => {
      loadInfo();
      loadAlerts();
      loadHistory();
    },
  }).start();
  loadAlerts();
  await loadInfo();
  selectRange(range.seconds);
}
