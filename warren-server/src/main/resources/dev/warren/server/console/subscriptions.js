// Subscriptions: every subscription's pattern, mode, consumers, depth, rates and dead letters,
// refreshed every few seconds; one subscription's dead letters grouped by error type or by root
// event, with replay (selected or all) and purge after a confirmation. The server writes each of
// these to its audit log.
//
// why: dead letters are read (peeked) once when a subscription is opened and again only when the
// user asks. On RabbitMQ a peek returns each message to its queue, and for a quorum queue that
// counts toward its delivery limit: polling them would wear them out.
import { get, call } from './api.js';
import { h, fill, failure, rate, eventLink, time, json, badge, confirmAction } from './ui.js';
import { REFRESH_MS, STREAM_PREFIX } from './overview.js';

/** Dead letters read at most per subscription view. */
const PEEK_LIMIT = 500;

export function render(root, name, session) {
  return name ? renderOne(root, name, session) : renderList(root);
}

function row(s) {
  return h('tr', { class: s.deadLetters > 0 ? 'failing' : '', dataset: { subscription: s.name } },
    h('td', {}, h('a', { href: '#/subscriptions/' + encodeURIComponent(s.name) }, s.name)),
    h('td', {}, (s.patterns || []).join(', ') || h('span', { class: 'muted', title: 'patterns are known for subscriptions running in this server' }, '?')),
    h('td', {}, s.mode || '?'),
    h('td', { class: 'num' }, s.consumers),
    h('td', { class: 'num' }, s.ready),
    h('td', { class: 'num' }, s.unacknowledged < 0 ? '?' : s.unacknowledged),
    h('td', { class: 'num' }, s.waiting),
    h('td', { class: 'num' }, rate(s.rates && s.rates.published)),
    h('td', { class: 'num' }, rate(s.rates && s.rates.acknowledged)),
    h('td', { class: 'num dead-count' }, s.deadLetters > 0 ? badge(String(s.deadLetters), 'failure') : '0'));
}

function header() {
  return h('thead', {}, h('tr', {}, ['subscription', 'patterns', 'mode', 'consumers', 'ready', 'in flight', 'waiting retry', 'in', 'handled', 'dead letters'].map((t) => h('th', {}, t))));
}

function poll(work) {
  let stopped = false;
  let timer = null;
  const loop = async () => {
    await work();
    if (!stopped) timer = setTimeout(loop, REFRESH_MS);
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function renderList(root) {
  const body = h('tbody');
  const error = h('div');
  fill(root, h('h1', {}, 'Subscriptions'), error, h('table', { class: 'grid', id: 'subscriptions' }, header(), body));
  return poll(async () => {
    try {
      const list = (await get('/subscriptions')).subscriptions.filter((s) => !s.name.startsWith(STREAM_PREFIX));
      fill(body, list.length ? list.map(row) : h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'No subscriptions on this broker yet.')));
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  });
}

function renderOne(root, name, session) {
  const enc = encodeURIComponent(name);
  const summary = h('tbody');
  const error = h('div');
  const notice = h('div', { id: 'notice' });
  const groups = h('div', { id: 'dead-letter-groups' });
  const count = h('span', { id: 'dead-letter-count' });
  let letters = [];
  let total = 0;
  let groupBy = 'error';
  const selected = new Set();

  const byError = h('button', { class: 'toggle active', id: 'group-error', onclick: () => setGroup('error') }, 'by error type');
  const byRoot = h('button', { class: 'toggle', id: 'group-root', onclick: () => setGroup('root') }, 'by root event');
  const admin = session.admin;
  const replaySelected = h('button', { id: 'replay-selected', disabled: true, onclick: () => replay([...selected]) }, 'Replay selected');
  const replayAll = h('button', { id: 'replay-all', onclick: () => replay(null) }, 'Replay all');
  const purge = h('button', { id: 'purge', class: 'danger', onclick: purgeAll }, 'Purge');

  fill(root,
    h('p', {}, h('a', { href: '#/subscriptions' }, '← Subscriptions')),
    h('h1', {}, name),
    error,
    h('table', { class: 'grid' }, header(), summary),
    h('h2', {}, 'Dead letters ', count),
    h('div', { class: 'toolbar' },
      h('span', {}, 'Group ', byError, byRoot),
      h('button', { id: 'reload-dead-letters', onclick: load }, 'Reload dead letters'),
      admin ? [replaySelected, replayAll, purge] : h('span', { class: 'muted' }, 'read-only: replay and purge need the admin scope')),
    notice,
    groups);

  function setGroup(kind) {
    groupBy = kind;
    byError.classList.toggle('active', kind === 'error');
    byRoot.classList.toggle('active', kind === 'root');
    draw();
  }

  async function load() {
    try {
      const body = await get('/subscriptions/' + enc + '/dead-letters?limit=' + PEEK_LIMIT);
      letters = body.deadLetters;
      total = body.count;
      selected.clear();
      draw();
    } catch (e) {
      fill(groups, failure(e));
    }
  }

  function groupKey(d) {
    if (groupBy === 'error') return d.errorType || 'unknown error';
    const e = d.event || {};
    return e.correlationid || e.id || d.id;
  }

  function draw() {
    count.textContent = total === letters.length ? '(' + total + ')' : '(' + letters.length + ' shown of ' + total + ')';
    replaySelected.disabled = selected.size === 0;
    replaySelected.textContent = selected.size ? 'Replay selected (' + selected.size + ')' : 'Replay selected';
    if (letters.length === 0) {
      fill(groups, h('p', { class: 'muted', id: 'no-dead-letters' }, 'No dead letters.'));
      return;
    }
    const map = new Map();
    for (const d of letters) {
      const k = groupKey(d);
      if (!map.has(k)) map.set(k, []);
      map.get(k).push(d);
    }
    const sorted = [...map.entries()].sort((a, b) => b[1].length - a[1].length);
    fill(groups, sorted.map(([k, list]) => {
      const all = h('input', { type: 'checkbox', title: 'select this group', checked: list.every((d) => selected.has(d.id)) || null,
        onchange: (ev) => { for (const d of list) ev.target.checked ? selected.add(d.id) : selected.delete(d.id); draw(); } });
      const title = groupBy === 'error'
        ? [h('strong', {}, k), ' ', h('span', { class: 'muted' }, firstLine(list[0].errorMessage))]
        : [h('strong', {}, 'root '), eventLink(k), ' ', h('span', { class: 'muted' }, (list[0].event && list[0].event.type) || '')];
      return h('section', { class: 'group', dataset: { group: k } },
        h('h3', {}, admin ? all : null, ' ', title, ' ', badge(list.length + (list.length === 1 ? ' dead letter' : ' dead letters'), 'failure')),
        h('table', { class: 'grid dead-letters' },
          h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'event'), h('th', {}, 'type'), h('th', {}, 'attempts'), h('th', {}, 'cause'), h('th', {}, 'last failure'), h('th', {}, 'replays'), h('th', {}, 'data'))),
          h('tbody', {}, list.map((d) => h('tr', { class: 'dead-letter', dataset: { id: d.id } },
            h('td', {}, admin ? h('input', { type: 'checkbox', class: 'pick', checked: selected.has(d.id) || null,
              onchange: (ev) => { ev.target.checked ? selected.add(d.id) : selected.delete(d.id); draw(); } }) : null),
            h('td', {}, eventLink(d.event ? d.event.id : d.id)),
            h('td', {}, d.routingKey),
            h('td', { class: 'num' }, d.attempts),
            h('td', { class: 'cause' }, h('span', { class: 'error-type' }, d.errorType || ''), ': ', d.errorMessage || ''),
            h('td', {}, time(d.lastFailure)),
            h('td', { class: 'num' }, d.replays),
            h('td', {}, h('details', {}, h('summary', {}, 'data'), json(d.event ? (d.event.data !== undefined ? d.event.data : d.event) : null))))))));
    }));
  }

  async function replay(ids) {
    const what = ids ? ids.length + ' selected dead letter' + (ids.length === 1 ? '' : 's') : 'all ' + total + ' dead letters';
    if (!(await confirmAction('Replay ' + what + ' of ' + name + '? Each goes back to the subscription\'s queue and is handled again.', 'Replay'))) return;
    try {
      const res = await call('POST', '/subscriptions/' + enc + '/dead-letters/replay', ids ? { ids } : {});
      fill(notice, h('div', { class: 'notice ok', role: 'status' }, 'Replayed ' + res.replayed + ' of ' + name + '.'));
    } catch (e) {
      fill(notice, failure(e));
    }
    await Promise.all([load(), readSummary()]);
  }

  async function purgeAll() {
    if (!(await confirmAction('Purge all ' + total + ' dead letters of ' + name + '? They are deleted for good.', 'Purge'))) return;
    try {
      const res = await call('DELETE', '/subscriptions/' + enc + '/dead-letters');
      fill(notice, h('div', { class: 'notice ok', role: 'status' }, 'Purged ' + res.purged + ' of ' + name + '.'));
    } catch (e) {
      fill(notice, failure(e));
    }
    await Promise.all([load(), readSummary()]);
  }

  async function readSummary() {
    try {
      const s = (await get('/subscriptions')).subscriptions.find((x) => x.name === name);
      fill(summary, s ? row(s) : h('tr', {}, h('td', { colspan: 10 }, 'No subscription named ' + name + ' on this broker.')));
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  }

  load();
  return poll(readSummary);
}

function firstLine(text) {
  if (!text) return '';
  const line = String(text).split('\n')[0];
  return line.length > 120 ? line.slice(0, 117) + '…' : line;
}
