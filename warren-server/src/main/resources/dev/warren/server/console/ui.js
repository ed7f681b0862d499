// Small DOM helpers. why: every value shown comes from the API (and event data from any
// publisher), so text is always set as text nodes, never as HTML.

/** Creates an element: h('a', {href: '#/x', class: 'y'}, 'text', child, ...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A link to an event's lineage: every event id in the console is one. */
export function eventLink(id) {
  if (!id) return h('span', { class: 'muted' }, '—');
  return h('a', { class: 'event-id', href: '#/lineage/' + encodeURIComponent(id), title: 'lineage of ' + id }, id);
}

/** A time as local clock time, with the full ISO time as its title. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString());
}

/** A rate in messages per second, or a dash when the broker does not know it. */
export function rate(v) {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : (v < 10 ? v.toFixed(1) : Math.round(v)) + '/s';
}

/** Pretty JSON of a value, in a <pre>. */
export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** A problem (HTTP error) or other failure, as a notice. */
export function failure(error) {
  return h('div', { class: 'notice error', role: 'alert' }, error && error.message ? error.message : String(error));
}

/**
 * Asks before a change that cannot be undone. Resolves to true when the user confirmed.
 * why: a <dialog> rather than window.confirm, so it can say what will happen in full and be
 * screenshotted and driven like the rest of the page.
 */
export function confirmAction(text, okLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
  });
}

/** A <progress> bar with its percentage. */
export function progressBar(fraction) {
  const pct = Math.round((fraction || 0) * 100);
  return h('span', { class: 'progress' },
    h('progress', { max: '100', value: String(pct), 'aria-label': pct + '%' }), ' ', pct + '%');
}

/** A state badge (task states, outcomes, health). */
export function badge(text, kind) {
  return h('span', { class: 'badge ' + (kind || String(text).toLowerCase()) }, text);
}
