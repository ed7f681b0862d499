// Overview: the transport and broker, the health checks, live charts of message rates and depths,
// and which subscriptions fail. Reads GET /health/ready and GET /subscriptions every few seconds
// (counts only: dead letters are never peeked here).
import { get, key } from './api.js';
import { h, fill, failure, rate, badge } from './ui.js';
import { liveChart } from './chart.js';

/** How often the figures are read again. */
export const REFRESH_MS = 3000;

/** The server's own stream subscriptions (the live tail's), which are nobody's flow. */
export const STREAM_PREFIX = 'warren-server-stream-';

export function render(root) {
  const broker = h('div', { class: 'card', id: 'broker' }, 'Reading the broker…');
  const health = h('div', { class: 'card', id: 'health' });
  const rates = liveChart('Messages', 'msg/s');
  const depth = liveChart('Depth (ready messages)', '');
  const dead = liveChart('Dead letters', '');
  const failing = h('div', { id: 'failing' });
  const error = h('div');
  fill(root,
    h('h1', {}, 'Overview'),
    error,
    h('div', { class: 'cards' }, broker, health),
    h('div', { class: 'charts', id: 'charts' }, rates.element, depth.element, dead.element),
    h('h2', {}, 'Subscriptions'),
    failing);

  let previous = null;
  let stopped = false;

  async function refresh() {
    try {
      await Promise.all([readHealth(), readSubscriptions()]);
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  }

  async function readHealth() {
    // why: /health/ready answers 503 with its checks when something is unhealthy, which is
    // exactly when they matter; read the body whatever the status
    const res = await fetch('/health/ready', { headers: key() ? { Authorization: 'Bearer ' + key() } : {} });
    const body = await res.json();
    const transport = body.checks[0];
    fill(broker,
      h('h2', {}, 'Transport'),
      h('p', { class: 'big' }, transport.name), h('p', { class: 'muted', id: 'broker-description' }, transport.description));
    fill(health,
      h('h2', {}, 'Health ', badge(body.status)),
      h('table', { class: 'checks' }, h('tbody', {}, body.checks.map((c) =>
        h('tr', {}, h('td', {}, c.name), h('td', {}, badge(c.status)), h('td', {}, c.description))))));
  }

  async function readSubscriptions() {
    const list = (await get('/subscriptions')).subscriptions.filter((s) => !s.name.startsWith(STREAM_PREFIX));
    const now = Date.now();
    let published = null;
    let acknowledged = null;
    for (const s of list) {
      if (s.rates) {
        published = (published || 0) + (s.rates.published || 0);
        acknowledged = (acknowledged || 0) + (s.rates.acknowledged || 0);
      }
    }
    const totalDead = list.reduce((n, s) => n + s.deadLetters, 0);
    let deadRate = null;
    if (previous) {
      // why: the broker keeps no dead-letter rate; its growth between two readings is one
      deadRate = Math.max(0, totalDead - previous.dead) / ((now - previous.at) / 1000);
    }
    previous = { at: now, dead: totalDead };
    rates.push({ in: published, handled: acknowledged, 'dead-lettered': deadRate });
    const deepest = [...list].sort((a, b) => b.ready - a.ready).slice(0, 5);
    const sample = {};
    for (const s of deepest) sample[s.name] = s.ready;
    depth.push(sample);
    dead.push({ 'dead letters': totalDead, 'waiting retries': list.reduce((n, s) => n + s.waiting, 0) });
    const sorted = [...list].sort((a, b) => b.deadLetters - a.deadLetters || a.name.localeCompare(b.name));
    fill(failing, sorted.length === 0
      ? h('p', { class: 'muted' }, 'No subscriptions yet. Start an application on this broker, for example ', h('code', {}, './warren demo interactions'), '.')
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, h('th', {}, 'subscription'), h('th', {}, 'consumers'), h('th', {}, 'ready'), h('th', {}, 'in'), h('th', {}, 'handled'), h('th', {}, 'dead letters'))),
        h('tbody', {}, sorted.map((s) => h('tr', { class: s.deadLetters > 0 ? 'failing' : '' },
          h('td', {}, h('a', { href: '#/subscriptions/' + encodeURIComponent(s.name) }, s.name)),
          h('td', {}, s.consumers), h('td', {}, s.ready),
          h('td', {}, rate(s.rates && s.rates.published)), h('td', {}, rate(s.rates && s.rates.acknowledged)),
          h('td', { class: 'num' }, s.deadLetters > 0 ? h('a', { href: '#/subscriptions/' + encodeURIComponent(s.name) }, badge(s.deadLetters + ' failing', 'failure')) : '0'))))));
  }

  let timer = null;
  const loop = async () => {
    await refresh();
    if (!stopped) timer = setTimeout(loop, REFRESH_MS);
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
