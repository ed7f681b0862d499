// Tasks: the task store's tasks filtered by state, name and time, with progress bars for running
// ones; one task's timeline (every transition with worker and time) and revoke. Schedules: the
// recurring schedules with pause, resume, trigger and delete, and one schedule's last firings.
//
// The page is a set of sections (tabs), each in SECTIONS with its render function.
import { get, call } from './api.js';
import { h, fill, failure, time, json, badge, progressBar, confirmAction } from './ui.js';

const REFRESH_MS = 1500;

/**
 * why: a schedule changes only when someone operates it or a slot fires; a list read every few
 * seconds shows that without a store query per second per open tab. A click reads at once.
 */
const SCHEDULES_REFRESH_MS = 5000;

/** How many of a schedule's firings to show, newest first. */
const FIRINGS_SHOWN = 15;

const FINAL = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

const SINCE = [
  ['any time', 0],
  ['last 15 minutes', 15 * 60e3],
  ['last hour', 3600e3],
  ['last 24 hours', 24 * 3600e3],
];

/** The sections of the Tasks page, in tab order: [path, title, render(root, arg, session)]. */
export const SECTIONS = [
  { path: 'list', title: 'Tasks', render: renderList },
  { path: 'schedules', title: 'Schedules', render: renderSchedules },
];

export function render(root, arg, session) {
  if (arg && !SECTIONS.some((s) => arg === s.path || arg.startsWith(s.path + '/'))) {
    return renderTask(root, arg, session);
  }
  const [path, ...rest] = (arg || 'list').split('/');
  const section = SECTIONS.find((s) => s.path === path) || SECTIONS[0];
  const body = h('div');
  fill(root,
    SECTIONS.length > 1 ? h('nav', { class: 'tabs' }, SECTIONS.map((s) => h('a', { href: '#/tasks/' + s.path, class: s === section ? 'active' : '' }, s.title))) : null,
    body);
  return section.render(body, rest.join('/') || null, session);
}

function poll(work, ms) {
  let stopped = false;
  let timer = null;
  const loop = async () => {
    await work();
    if (!stopped) timer = setTimeout(loop, ms);
  };
  loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function renderList(root) {
  const saved = JSON.parse(sessionStorage.getItem('warren.console.tasks') || '{}');
  const state = h('select', { id: 'task-state', 'aria-label': 'state' },
    ['', 'active', 'scheduled', 'recent', 'PENDING', 'SCHEDULED', 'STARTED', 'PROGRESS', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED']
      .map((s) => h('option', { value: s, selected: s === (saved.state || '') || null }, s || 'every state')));
  const name = h('input', { id: 'task-name', placeholder: 'task name', value: saved.name || '', size: 16, 'aria-label': 'task name' });
  const since = h('select', { id: 'task-since', 'aria-label': 'changed' },
    SINCE.map(([label, ms]) => h('option', { value: ms, selected: String(ms) === String(saved.since || 0) || null }, label)));
  const rows = h('tbody', { id: 'task-rows' });
  const error = h('div');
  fill(root, h('h1', {}, 'Tasks'),
    h('div', { class: 'toolbar' }, 'State ', state, ' Name ', name, ' Changed ', since),
    error,
    h('table', { class: 'grid', id: 'tasks' },
      h('thead', {}, h('tr', {}, ['task', 'name', 'state', 'progress', 'attempts', 'worker', 'submitted', 'updated'].map((t) => h('th', {}, t)))),
      rows));

  async function read() {
    sessionStorage.setItem('warren.console.tasks', JSON.stringify({ state: state.value, name: name.value, since: since.value }));
    const q = new URLSearchParams({ limit: '200' });
    if (state.value) q.set('state', state.value);
    if (name.value.trim()) q.set('name', name.value.trim());
    try {
      let list = (await get('/tasks?' + q)).tasks;
      const window = Number(since.value);
      if (window > 0) list = list.filter((t) => Date.now() - Date.parse(t.updatedAt) <= window);
      fill(rows, list.length ? list.map((t) => h('tr', { class: 'task', dataset: { id: t.id, state: t.state } },
        h('td', {}, h('a', { href: '#/tasks/' + encodeURIComponent(t.id) }, t.id)),
        h('td', {}, t.name),
        h('td', {}, badge(t.state)),
        h('td', {}, t.progress ? progressBar(t.progress.fraction) : FINAL.has(t.state) ? '' : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'num' }, t.attempts),
        h('td', {}, t.worker || ''),
        h('td', {}, time(t.submittedAt)),
        h('td', {}, time(t.updatedAt)))) : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No tasks match.')));
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  }
  for (const el of [state, since]) el.addEventListener('change', read);
  name.addEventListener('change', read);
  return poll(read, REFRESH_MS);
}

function renderTask(root, id, session) {
  const head = h('div');
  const timeline = h('tbody', { id: 'timeline' });
  const error = h('div');
  const notice = h('div');
  const revoke = session.admin
    ? h('button', { id: 'revoke', class: 'danger', onclick: doRevoke }, 'Revoke')
    : h('span', { class: 'muted' }, 'read-only: revoking needs the admin scope');
  fill(root,
    h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')),
    h('h1', {}, 'Task ', h('code', {}, id)),
    error, notice, head,
    h('div', { class: 'toolbar' }, revoke),
    h('h2', {}, 'Timeline'),
    h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ['state', 'at', 'worker', 'attempt', 'detail'].map((t) => h('th', {}, t)))), timeline));

  async function read() {
    try {
      const t = await get('/tasks/' + encodeURIComponent(id));
      fill(head, h('dl', { class: 'facts', id: 'task' },
        h('dt', {}, 'name'), h('dd', {}, t.name),
        h('dt', {}, 'state'), h('dd', { id: 'task-state-value' }, badge(t.state)),
        h('dt', {}, 'progress'), h('dd', { id: 'task-progress' }, t.progress ? [progressBar(t.progress.fraction), ' ', t.progress.meta ? JSON.stringify(t.progress.meta) : ''] : '—'),
        h('dt', {}, 'queue'), h('dd', {}, t.queue),
        h('dt', {}, 'attempts'), h('dd', {}, t.attempts),
        h('dt', {}, 'submitted'), h('dd', {}, time(t.submittedAt)),
        h('dt', {}, 'due'), h('dd', {}, time(t.eta)),
        h('dt', {}, 'finished'), h('dd', {}, time(t.finishedAt)),
        t.error ? [h('dt', {}, 'error'), h('dd', { class: 'error' }, t.error.type + ': ' + t.error.message)] : null,
        t.result !== null ? [h('dt', {}, 'result'), h('dd', {}, json(t.result))] : null));
      fill(timeline, t.history.map((s) => h('tr', {}, h('td', {}, badge(s.state)), h('td', {}, time(s.at)), h('td', {}, s.worker || ''), h('td', { class: 'num' }, s.attempt), h('td', {}, s.detail || ''))));
      if (revoke.tagName === 'BUTTON') revoke.disabled = FINAL.has(t.state);
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  }

  async function doRevoke() {
    if (!(await confirmAction('Revoke task ' + id + '? A running task is told to stop; a waiting one will not run.', 'Revoke'))) return;
    try {
      const t = await call('DELETE', '/tasks/' + encodeURIComponent(id));
      fill(notice, h('div', { class: 'notice ok', role: 'status' }, 'Revoke sent. The task was ' + t.state + ' when the server answered; a running task stops at its next check.'));
    } catch (e) {
      fill(notice, failure(e));
    }
    read();
  }

  return poll(read, REFRESH_MS);
}

/** 'PT1M30S' as '1m 30s': the interval a schedule was defined with. */
function interval(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso || '');
  if (!m) return iso;
  const parts = [[m[1], 'h'], [m[2], 'm'], [m[3], 's']].filter(([v]) => v && Number(v) !== 0).map(([v, u]) => v + u);
  return parts.length ? parts.join(' ') : iso;
}

function plan(s) {
  return s.cron
    ? [h('code', {}, s.cron), ' ', h('span', { class: 'muted' }, s.zone)]
    : ['every ', interval(s.every)];
}

function renderSchedules(root, selected, session) {
  const rows = h('tbody', { id: 'schedule-rows' });
  const firings = h('tbody', { id: 'firings' });
  const detail = h('div', { id: 'schedule-detail' });
  const error = h('div');
  const notice = h('div', { id: 'schedule-notice' });
  // why: the console is read-only without admin, as revoking a task is; the API itself lets
  // any key with the tasks scope operate schedules
  const mayChange = session.admin;
  fill(root, h('h1', {}, 'Schedules'),
    mayChange ? null : h('p', { class: 'muted', id: 'schedules-read-only' }, 'read-only: pausing, resuming, triggering and deleting need the admin scope'),
    error, notice,
    h('table', { class: 'grid', id: 'schedules' },
      h('thead', {}, h('tr', {}, ['schedule', 'plan', 'task', 'queue', 'next slot', 'state', 'missed slots', mayChange ? '' : null]
        .filter((t) => t !== null).map((t) => h('th', {}, t)))),
      rows),
    detail);

  function buttons(s) {
    if (!mayChange) return null;
    const act = (label, cls, verb, question) => h('button', {
      class: cls,
      onclick: () => operate(s.name, verb, question),
    }, label);
    return h('td', { class: 'actions' },
      s.paused ? act('Resume', 'resume', 'resume') : act('Pause', 'pause', 'pause'), ' ',
      act('Trigger', 'trigger', 'trigger', 'Trigger ' + s.name + ' now? It submits ' + s.task + ' once, outside its plan, even while paused.'), ' ',
      act('Delete', 'delete danger', 'delete', 'Delete schedule ' + s.name + '? No slot fires after this; its history goes with it. Tasks it submitted stay.'));
  }

  async function operate(name, verb, question) {
    if (question && !(await confirmAction(question, verb === 'delete' ? 'Delete' : 'Trigger'))) return;
    const path = '/schedules/' + encodeURIComponent(name);
    try {
      if (verb === 'delete') {
        await call('DELETE', path);
        fill(notice, h('div', { class: 'notice ok', role: 'status' }, 'Deleted ' + name + '.'));
        if (name === selected) location.hash = '#/tasks/schedules';
      } else if (verb === 'trigger') {
        const f = await call('POST', path + '/trigger');
        fill(notice, h('div', { class: 'notice ok', role: 'status' }, 'Triggered ' + name + ': task ',
          f.taskId ? h('a', { href: '#/tasks/' + encodeURIComponent(f.taskId) }, f.taskId) : f.state, '.'));
      } else {
        const s = await call('POST', path + '/' + verb);
        fill(notice, h('div', { class: 'notice ok', role: 'status' }, s.name + (s.paused ? ' is paused.' : ' is running again.')));
      }
    } catch (e) {
      fill(notice, failure(e));
    }
    read();
  }

  async function read() {
    try {
      const list = (await get('/schedules')).schedules;
      // why: a link to a schedule deleted since (here or elsewhere) says so instead of failing
      const gone = selected && !list.some((s) => s.name === selected);
      const shown = gone ? null : selected || (list.length ? list[0].name : null);
      fill(rows, list.length ? list.map((s) => h('tr', {
        class: 'schedule' + (s.name === shown ? ' selected' : ''),
        dataset: { name: s.name, paused: String(s.paused) },
      },
      h('td', {}, h('a', { href: '#/tasks/schedules/' + encodeURIComponent(s.name) }, s.name)),
      h('td', {}, plan(s)),
      h('td', {}, s.task),
      h('td', {}, s.queue),
      h('td', {}, s.paused ? h('span', { class: 'muted' }, '—') : time(s.nextSlot)),
      h('td', { class: 'schedule-state' }, s.paused ? badge('paused') : badge('running', 'success')),
      h('td', {}, s.missedSlots),
      buttons(s))) : h('tr', {}, h('td', { colspan: 8, class: 'muted', id: 'no-schedules' }, 'No schedules. Define one with POST /schedules or Schedules.define(..).')));
      if (shown) {
        const one = await get('/schedules/' + encodeURIComponent(shown) + '?limit=' + FIRINGS_SHOWN);
        fill(detail,
          h('h2', {}, 'Last firings of ', h('code', {}, one.name)),
          h('table', { class: 'grid' },
            h('thead', {}, h('tr', {}, ['slot', 'state', 'instance', 'task', 'claimed', 'detail'].map((t) => h('th', {}, t)))),
            firings));
        fill(firings, one.firings.length ? one.firings.map((f) => h('tr', { class: 'firing', dataset: { slot: f.slot, state: f.state } },
          h('td', {}, time(f.slot), f.manual ? [' ', badge('manual')] : null),
          h('td', {}, badge(f.state)),
          h('td', {}, f.instance),
          h('td', {}, f.taskId ? h('a', { href: '#/tasks/' + encodeURIComponent(f.taskId) }, f.taskId) : h('span', { class: 'muted' }, '—')),
          h('td', {}, time(f.at)),
          h('td', {}, f.detail || ''))) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No firings yet.')));
      } else {
        fill(detail, gone ? h('div', { class: 'notice', id: 'schedule-gone' }, 'Schedule ' + selected + ' does not exist (any more).') : null);
      }
      fill(error);
    } catch (e) {
      fill(error, failure(e));
    }
  }

  return poll(read, SCHEDULES_REFRESH_MS);
}
