// The console's shell: asks who the caller is, shows the pages the key's scopes allow, routes
// between them (#/page/argument) and stops a page's timers and streams when it is left.
import { get, setKey, key, ApiError } from './api.js';
import { h, fill, failure } from './ui.js';
import * as overview from './overview.js';
import * as subscriptions from './subscriptions.js';
import * as tail from './tail.js';
import * as tasks from './tasks.js';
import * as lineage from './lineage.js';

/** The pages, in menu order; `allowed` reads the session (GET /console/session). */
const PAGES = [
  { path: 'overview', title: 'Overview', page: overview, allowed: (s) => s.admin },
  { path: 'subscriptions', title: 'Subscriptions', page: subscriptions, allowed: (s) => s.admin },
  { path: 'tail', title: 'Live tail', page: tail, allowed: (s) => s.subscribe },
  { path: 'tasks', title: 'Tasks', page: tasks, allowed: (s) => s.tasks },
  { path: 'lineage', title: 'Lineage', page: lineage, allowed: (s) => s.admin },
];

let session = null;
let leave = null;
let routing = false;

async function start() {
  try {
    session = await get('/console/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      askForKey(key() ? 'That key is not valid.' : null);
      return;
    }
    fill(document.getElementById('page'), failure(e));
    return;
  }
  renderNav();
  if (!routing) {
    window.addEventListener('hashchange', route);
    routing = true;
  }
  route();
}

function askForKey(problem) {
  fill(document.getElementById('nav'));
  const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', required: true, placeholder: 'API key' });
  const form = h('form', { class: 'login', id: 'login' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'This server asks for an API key (WARREN_API_KEYS_FILE). The console shows what the key\'s scopes allow: everything with admin, read-only pages without it.'),
    problem ? h('div', { class: 'notice error', role: 'alert' }, problem) : null,
    h('label', {}, 'Key ', input),
    h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setKey(input.value.trim());
    start();
  });
  fill(document.getElementById('page'), form);
  input.focus();
}

function renderNav() {
  const nav = document.getElementById('nav');
  fill(nav, PAGES.filter((p) => p.allowed(session)).map((p) =>
    h('a', { href: '#/' + p.path, id: 'nav-' + p.path, dataset: { page: p.path } }, p.title)));
  const who = document.getElementById('who');
  if (session.keysConfigured) {
    fill(who, h('span', { id: 'key-name' }, 'key ' + session.key + (session.admin ? ' (admin)' : ' (read-only)')), ' ',
      h('button', { class: 'link', id: 'sign-out', onclick: () => { setKey(null); location.hash = ''; location.reload(); } }, 'sign out'));
  } else {
    fill(who, h('span', { class: 'muted', title: 'no API keys configured: the server answers on loopback only' }, 'loopback, no keys'));
  }
}

function route() {
  if (leave) {
    try {
      leave();
    } catch (e) {
      // a page that fails to clean up must not stop the next one
    }
    leave = null;
  }
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = PAGES.filter((p) => p.allowed(session));
  const target = allowed.find((p) => p.path === name) || allowed[0];
  const root = document.getElementById('page');
  if (!target) {
    fill(root, h('div', { class: 'notice' }, 'This key has no scope the console can show (admin, tasks or subscribe).'));
    return;
  }
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === target.path);
  fill(root);
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  leave = target.page.render(root, arg, session) || null;
}

start();
