// A small live line chart in SVG: the last points of one or more series.
import { h } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#8c564b'];

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * A chart keeping the last `points` values of each series.
 * chart.push({name: value, ...}) adds one sample (a missing or null value is a gap);
 * chart.element is the node to put on the page.
 */
export function liveChart(title, unit, points = 60) {
  const width = 320;
  const height = 90;
  const series = new Map();
  const plot = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart-plot', role: 'img', 'aria-label': title });
  const legend = h('div', { class: 'legend' });
  const latest = h('span', { class: 'chart-latest' });
  const element = h('figure', { class: 'chart' }, h('figcaption', {}, title, ' ', latest), plot, legend);

  function draw() {
    plot.replaceChildren();
    let max = 0;
    for (const values of series.values()) for (const v of values) if (v !== null && v > max) max = v;
    max = max <= 0 ? 1 : max * 1.1;
    plot.append(svg('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, class: 'axis' }));
    const label = svg('text', { x: 2, y: 10, class: 'scale' });
    label.textContent = (max < 10 ? max.toFixed(1) : Math.round(max)) + (unit ? ' ' + unit : '');
    plot.append(label);
    let i = 0;
    legend.replaceChildren();
    const parts = [];
    for (const [name, values] of series) {
      const color = COLORS[i++ % COLORS.length];
      let d = '';
      values.forEach((v, j) => {
        if (v === null) return;
        const x = (j + points - values.length) * (width / (points - 1));
        const y = height - 1 - (v / max) * (height - 14);
        d += (d && values[j - 1] !== null ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
      });
      if (d) plot.append(svg('path', { d, stroke: color, class: 'line' }));
      const last = values[values.length - 1];
      legend.append(h('span', { class: 'key' }, h('i', { style: null, class: 'swatch c' + ((i - 1) % COLORS.length) }), name));
      if (last !== null && last !== undefined) parts.push(name + ' ' + (last < 10 ? last.toFixed(1) : Math.round(last)));
    }
    latest.textContent = parts.length ? '· ' + parts.join(', ') + (unit ? ' ' + unit : '') : '';
  }

  return {
    element,
    push(sample) {
      for (const name of Object.keys(sample)) if (!series.has(name)) series.set(name, []);
      for (const [name, values] of series) {
        const v = sample[name];
        values.push(v === undefined || v === null || Number.isNaN(v) ? null : v);
        if (values.length > points) values.shift();
      }
      draw();
    },
  };
}
