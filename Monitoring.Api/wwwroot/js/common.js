// Shared by the dashboard's pages: JSON fetches, safe element building, formatting and the live feed.

/**
 * Sends the browser to the sign-in page, which brings it back here once signed in: the API answered 401, so access
 * tokens are configured and this browser has no session (or its session ended).
 */
export function signIn() {
  const back = `${location.pathname}${location.search}${location.hash}`;
  location.assign(`signin.html?return=${encodeURIComponent(back)}`);
}

/** Fetches JSON from the API; throws an Error carrying the HTTP status on any non-2xx answer (after a 401, signs in). */
export async function getJson(path, signal) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  if (response.status === 401) signIn();
  if (!response.ok) {
    const error = new Error(`${path} answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

/**
 * Sends a state-changing request with a JSON body (a cross-site form cannot send one without CORS, which the API does
 * not allow); throws an Error with the ProblemDetails' first message on any non-2xx answer.
 */
export async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) signIn();
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const detail = Object.values(problem.errors ?? {}).flat()[0] ?? problem.detail ?? problem.title ?? `${response.status}`;
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

/** Creates an element; text is always set through textContent so agent-supplied strings never become markup. */
export function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/**
 * Puts a warning above the page while no access token is configured: anyone who reaches the dashboard can change
 * alerting. Once tokens are configured the header offers to sign out instead. The body's data-access says what was
 * found (open, restricted or unknown).
 */
export async function warnWhenOpen() {
  const access = await getJson('api/v1/access').catch(() => null);
  document.body.dataset.access = access === null ? 'unknown' : access.open ? 'open' : 'restricted';
  if (access?.open === false) {
    const signOut = el('button', { className: 'sign-out', text: 'Sign out', attrs: { type: 'button' } });
    signOut.addEventListener('click', async () => {
      await send('DELETE', 'api/v1/session');
      location.assign('signin.html');
    });
    document.querySelector('header.top')?.append(signOut);
  }
  if (!access?.open) return;
  document.body.prepend(el('div', {
    className: 'open-access',
    text: 'Open access: no access token is configured (AccessTokens), so anyone who can reach this dashboard can read the fleet and change alert rules, silences and acknowledgements.',
    attrs: { role: 'alert' },
  }));
}

export function agentHref(agentId) {
  return `agent.html?id=${encodeURIComponent(agentId)}`;
}

export function formatPercent(value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(value) {
  if (value === null || value === undefined) return '–';
  let unit = 0;
  let scaled = Math.abs(value);
  while (scaled >= 1024 && unit < byteUnits.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${(Math.sign(value) * scaled).toFixed(unit === 0 ? 0 : 1)} ${byteUnits[unit]}`;
}

export function formatRate(value) {
  return value === null || value === undefined ? '–' : `${formatBytes(value)}/s`;
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** How long until a predicted crossing, as the silo's {eta} says it: "40 min", "17 h", "3 d". */
export function formatEta(seconds) {
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** "full in 17 h" for a forecast alert on a mount's percent at 100, else "reaches 80 in 3 d"; empty without a prediction. */
export function formatPrediction(alert, now = Date.now()) {
  if (!alert.predicted_at) return '';
  const eta = formatEta((Date.parse(alert.predicted_at) - now) / 1000);
  const full = /^disk(\[.*\])?\.percent$/.test(alert.series) && alert.threshold === 100;
  return `${full ? 'full' : `reaches ${formatAlertValue(alert.series, alert.threshold)}`} ${eta === 'now' ? 'now' : `in ${eta}`}`;
}

/** "12 s ago" for an ISO time, against the browser's clock. */
export function formatAgo(iso, now = Date.now()) {
  if (!iso) return 'never';
  return `${formatDuration((now - Date.parse(iso)) / 1000)} ago`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function formatTime(iso) {
  return iso ? timeFormat.format(new Date(iso)) : '–';
}

/**
 * The live feed (GET /api/v1/live, Server-Sent Events). The browser's EventSource reconnects by itself after a broken
 * connection; this adds a watchdog on the server's keep-alive events, a fresh EventSource when the browser gave up
 * (an HTTP error while the API restarts), and a state the page shows: connecting, live or reconnecting.
 */
// Runs fn once, ms after the first of any number of calls in that window: a burst of live samples costs one reload.
export function coalesce(fn, ms) {
  let due = 0;
  return () => {
    if (due) return;
    due = setTimeout(() => {
      due = 0;
      fn();
    }, ms);
  };
}

export class LiveConnection {
  #url;
  #handlers;
  #source = null;
  #watchdog = 0;
  #retry = 0;
  #backoff = 1000;
  #opened = false;

  constructor(url, { onSample, onState, onReconnected }) {
    this.#url = url;
    this.#handlers = { onSample, onState, onReconnected };
  }

  start() {
    this.#setState('connecting');
    this.#open();
  }

  #open() {
    clearTimeout(this.#retry);
    const source = new EventSource(this.#url);
    this.#source = source;
    source.addEventListener('open', () => {
      this.#backoff = 1000;
      this.#setState('live');
      if (this.#opened) this.#handlers.onReconnected?.();
      this.#opened = true;
    });
    source.addEventListener('keepalive', (event) => this.#watch(Number(event.data) || 15));
    source.addEventListener('sample', (event) => this.#handlers.onSample(JSON.parse(event.data)));
    source.addEventListener('error', () => {
      this.#setState('reconnecting');
      if (source.readyState === EventSource.CLOSED) this.#reopenLater();
    });
  }

  /** A stream silent for well over its keep-alive period is dead even if the socket never said so. */
  #watch(keepAliveSeconds) {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#setState('reconnecting');
      this.#reopenLater();
    }, keepAliveSeconds * 2500);
  }

  #reopenLater() {
    clearTimeout(this.#watchdog);
    this.#source?.close();
    this.#retry = setTimeout(() => this.#open(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, 10000);
  }

  #setState(state) {
    this.#handlers.onState?.(state);
  }
}

const liveLabels = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/** Shows the live feed's state in the page header's indicator. */
export function showLiveState(indicator, state) {
  indicator.dataset.state = state;
  indicator.textContent = liveLabels[state] ?? state;
}

/** A value as the alert's series shows it: percents with a unit, anything else as a plain number. */
function formatAlertValue(series, value) {
  if (value === null || value === undefined) return '–';
  return series.endsWith('percent') ? formatPercent(value) : String(Math.round(value * 100) / 100);
}

/** One alert as a table row; every string (rule name, summary, labels) comes from users or agents and is set as text. */
export function alertRow(alert, { withAgent, actions }) {
  const since = el('time', { text: formatAgo(alert.state_since), attrs: { datetime: alert.state_since, title: formatTime(alert.state_since) } });
  const state = el('span', { className: 'status', text: alert.state, attrs: { 'data-status': alert.state } });
  const stateCell = el('td', {}, [state]);
  if (alert.flapping) stateCell.append(el('span', { className: 'flapping', text: 'flapping' }));
  if (alert.acknowledged) {
    stateCell.append(el('span', { className: 'flapping acknowledged', text: `acknowledged by ${alert.acknowledged.by}`, attrs: { title: alert.acknowledged.comment ?? '' } }));
  }
  if (alert.silenced) stateCell.append(el('span', { className: 'flapping silenced', text: 'silenced' }));
  const threshold = alert.threshold === null || alert.threshold === undefined ? '' : ` (threshold ${formatAlertValue(alert.series, alert.threshold)})`;
  return el('tr', { attrs: { 'data-alert-id': alert.id } }, [
    stateCell,
    el('td', {}, [el('span', { className: 'severity', text: alert.severity, attrs: { 'data-severity': alert.severity } })]),
    ...(withAgent ? [el('td', {}, [el('a', { text: alert.agent_name, attrs: { href: agentHref(alert.agent_id), title: alert.agent_id } })])] : []),
    el('td', { text: alert.rule_name }),
    el('td', { className: 'series', text: alert.series }),
    el('td', {}, [`${formatAlertValue(alert.series, alert.value)}${threshold}`, ...(alert.predicted_at
      ? [el('time', { className: 'prediction', text: formatPrediction(alert), attrs: { datetime: alert.predicted_at, title: formatTime(alert.predicted_at) } })]
      : [])]),
    el('td', {}, [since]),
    el('td', { className: 'summary', text: alert.summary }),
    ...(actions ? [el('td', { className: 'actions' }, actions(alert))] : []),
  ]);
}
