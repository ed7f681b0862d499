// Lineage: an event's chain drawn as a graph (GET /events/{id}/lineage): what caused it, what it
// caused, and what each subscription did with each event (handled, retried, dead-lettered,
// replayed). Reached from every event id in the console (#/lineage/<id>).
import { get } from './api.js';
import { h, fill, failure, eventLink, time, badge } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const NODE_W = 230;
const GAP_X = 30;
const LINE = 16;
const HEAD = 40;

function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function render(root, id) {
  const input = h('input', { id: 'lineage-id', value: id || '', size: 40, placeholder: 'event id', 'aria-label': 'event id' });
  const form = h('form', { class: 'toolbar' }, 'Event ', input, h('button', { type: 'submit', id: 'lineage-show' }, 'Show lineage'));
  const graph = h('div', { id: 'lineage-graph', class: 'graph' });
  const detail = h('aside', { id: 'lineage-detail', class: 'detail' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (input.value.trim()) location.hash = '#/lineage/' + encodeURIComponent(input.value.trim());
  });
  fill(root, h('h1', {}, 'Lineage'), form, graph, detail);
  if (!id) {
    fill(graph, h('p', { class: 'muted' }, 'Give an event id, or click one anywhere in the console.'));
    return null;
  }
  load(id, graph, detail);
  return null;
}

async function load(id, graph, detail) {
  let tree;
  try {
    tree = await get('/events/' + encodeURIComponent(id) + '/lineage');
  } catch (e) {
    fill(graph, failure(e));
    return;
  }
  const nodes = [];
  const edges = [];
  let slot = 0;
  // why: a tidy tree: leaves take the next free column, a parent sits over its children
  function place(n, depth) {
    const node = { event: n.event, depth, x: 0 };
    nodes.push(node);
    if (n.children.length === 0) {
      node.x = slot++;
    } else {
      const xs = n.children.map((c) => {
        const child = place(c, depth + 1);
        edges.push([node, child]);
        return child.x;
      });
      node.x = (Math.min(...xs) + Math.max(...xs)) / 2;
    }
    return node;
  }
  tree.roots.forEach((r) => place(r, 0));
  const height = (n) => HEAD + Math.max(1, n.event.deliveries.length) * LINE + 8;
  const rowH = Math.max(...nodes.map(height)) + 50;
  const width = Math.max(1, slot) * (NODE_W + GAP_X);
  const depth = Math.max(...nodes.map((n) => n.depth)) + 1;
  const plot = svg('svg', { viewBox: `0 0 ${width} ${depth * rowH}`, width, height: depth * rowH, class: 'lineage', role: 'img', 'aria-label': 'lineage of ' + id });
  const left = (n) => n.x * (NODE_W + GAP_X) + GAP_X / 2;
  const top = (n) => n.depth * rowH + 10;
  for (const [a, b] of edges) {
    const x1 = left(a) + NODE_W / 2;
    const y1 = top(a) + height(a);
    const x2 = left(b) + NODE_W / 2;
    const y2 = top(b);
    const my = (y1 + y2) / 2;
    plot.append(svg('path', { d: `M${x1} ${y1} C${x1} ${my} ${x2} ${my} ${x2} ${y2}`, class: 'edge' }));
  }
  for (const n of nodes) {
    const e = n.event;
    const g = svg('g', { class: 'node' + (e.id === tree.eventId ? ' focus' : ''), 'data-id': e.id, 'data-type': e.type, transform: `translate(${left(n)} ${top(n)})`, tabindex: 0 });
    g.append(svg('rect', { width: NODE_W, height: height(n), rx: 6 }));
    g.append(svg('text', { x: 8, y: 17, class: 'type' }, e.type));
    g.append(svg('text', { x: 8, y: 32, class: 'id' }, e.id.length > 34 ? e.id.slice(0, 33) + '…' : e.id));
    if (e.deliveries.length === 0) {
      g.append(svg('text', { x: 8, y: HEAD + 12, class: 'muted' }, 'no subscription received it'));
    }
    e.deliveries.forEach((d, i) => {
      const t = svg('text', { x: 8, y: HEAD + 12 + i * LINE, class: 'outcome ' + d.outcome.toLowerCase() }, '● ' + d.subscription + ': ' + d.outcome.toLowerCase().replace('_', '-') + (d.retries ? ' after ' + d.retries + ' retries' : ''));
      g.append(t);
    });
    g.addEventListener('click', () => show(e, detail));
    plot.append(g);
  }
  fill(graph, tree.truncated ? h('div', { class: 'notice' }, 'The chain is longer than the server returns; it is cut.') : null, plot);
  show(nodes.find((n) => n.event.id === tree.eventId).event, detail);
}

function show(e, detail) {
  fill(detail,
    h('h2', {}, e.type),
    h('dl', { class: 'facts' },
      h('dt', {}, 'event'), h('dd', {}, eventLink(e.id)),
      h('dt', {}, 'source'), h('dd', {}, e.source),
      h('dt', {}, 'time'), h('dd', {}, time(e.time)),
      h('dt', {}, 'correlation'), h('dd', {}, e.correlationId || '—'),
      h('dt', {}, 'caused by'), h('dd', {}, e.parentIds.length ? e.parentIds.map((p) => [eventLink(p), ' ']) : '—'),
      h('dt', {}, 'size'), h('dd', {}, e.size + ' bytes')),
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['subscription', 'outcome', 'retries', 'replays', 'handler', 'error'].map((t) => h('th', {}, t)))),
      h('tbody', {}, e.deliveries.map((d) => h('tr', {},
        h('td', {}, h('a', { href: '#/subscriptions/' + encodeURIComponent(d.subscription) }, d.subscription)),
        h('td', {}, badge(d.outcome)),
        h('td', { class: 'num' }, d.retries), h('td', { class: 'num' }, d.replays),
        h('td', { class: 'num' }, d.handlerMillis.toFixed(1) + ' ms'),
        h('td', { class: 'cause' }, d.error || ''))))));
}
