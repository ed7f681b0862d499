// Live tail: the events matching a pattern as they arrive (GET /events/stream, Server-Sent
// Events), with pause, a filter over what arrived, and one event opened in full.
import { stream } from './api.js';
import { h, fill, eventLink, time, json } from './ui.js';

/** Events kept on the page; older ones drop off. */
const KEEP = 500;

export function render(root) {
  const pattern = h('input', { id: 'tail-pattern', value: sessionStorage.getItem('warren.console.tail') || '#', size: 24, 'aria-label': 'pattern' });
  const follow = h('button', { type: 'submit', id: 'tail-follow' }, 'Follow');
  const pause = h('button', { type: 'button', id: 'tail-pause', disabled: true }, 'Pause');
  const filter = h('input', { id: 'tail-filter', placeholder: 'filter: type, id, data…', size: 24, 'aria-label': 'filter' });
  const state = h('span', { id: 'tail-state', class: 'muted' }, 'not following');
  const rows = h('tbody', { id: 'tail-rows' });
  const detail = h('aside', { id: 'tail-detail', class: 'detail' }, h('p', { class: 'muted' }, 'Click an event to open it.'));
  const events = [];
  let pending = [];
  let paused = false;
  let close = null;

  const form = h('form', { class: 'toolbar' }, 'Pattern ', pattern, follow, pause, ' ', filter, ' ', state);
  fill(root, h('h1', {}, 'Live tail'), form,
    h('div', { class: 'split' },
      h('table', { class: 'grid', id: 'tail' }, h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'type'), h('th', {}, 'event'), h('th', {}, 'source'), h('th', {}, 'subject'))), rows),
      detail));

  function matches(e) {
    const f = filter.value.trim().toLowerCase();
    return !f || JSON.stringify(e).toLowerCase().includes(f);
  }

  function rowOf(e) {
    return h('tr', { class: 'tail-event', dataset: { id: e.id }, onclick: (ev) => { if (ev.target.tagName !== 'A') open(e); } },
      h('td', {}, time(e.time)), h('td', {}, e.type), h('td', {}, eventLink(e.id)), h('td', {}, e.source || ''), h('td', {}, e.subject || ''));
  }

  function open(e) {
    fill(detail, h('h2', {}, e.type), h('p', {}, 'event ', eventLink(e.id), ' · ', h('a', { href: '#/lineage/' + encodeURIComponent(e.id) }, 'open its lineage')), json(e));
  }

  function redraw() {
    fill(rows, events.filter(matches).map(rowOf));
  }

  function add(e) {
    if (paused) {
      pending.push(e);
      pause.textContent = 'Resume (' + pending.length + ' new)';
      return;
    }
    events.unshift(e);
    if (events.length > KEEP) events.pop();
    if (matches(e)) {
      rows.prepend(rowOf(e));
      while (rows.children.length > KEEP) rows.lastChild.remove();
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (close) close();
    sessionStorage.setItem('warren.console.tail', pattern.value.trim());
    state.textContent = 'connecting…';
    close = stream(pattern.value.trim(), add, (kind, text) => {
      state.textContent = text;
      state.className = kind === 'error' ? 'error' : kind === 'open' ? 'ok' : 'muted';
      pause.disabled = kind !== 'open';
    });
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    if (!paused) {
      const arrived = pending;
      pending = [];
      arrived.forEach(add);
    }
    pause.textContent = paused ? 'Resume' : 'Pause';
  });
  filter.addEventListener('input', redraw);
  return () => close && close();
}
