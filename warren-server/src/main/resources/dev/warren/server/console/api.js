// The server's HTTP API, called with the key the user gave (kept for this browser tab only).

const KEY = 'warren.console.key';

export function key() {
  return sessionStorage.getItem(KEY);
}

export function setKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

/** A failed call: the problem's detail, its status and the path. */
export class ApiError extends Error {
  constructor(status, detail, path) {
    super(detail + ' (' + status + ' on ' + path + ')');
    this.status = status;
    this.detail = detail;
    this.path = path;
  }
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const k = key();
  if (k) h.Authorization = 'Bearer ' + k;
  return h;
}

/** Calls the API; resolves to the parsed JSON body (null for 204), rejects with an ApiError. */
export async function call(method, path, body) {
  const init = { method, headers: headers(body !== undefined ? { 'Content-Type': 'application/json' } : {}) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached: ' + e.message, path);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    parsed = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, (parsed && parsed.detail) || text || res.statusText, path);
  }
  return parsed;
}

export const get = (path) => call('GET', path);

/**
 * Follows the server's event stream (GET /events/stream) for a pattern. why: fetch rather than
 * EventSource, which cannot send the Authorization header a server with keys needs.
 * Calls onEvent(cloudEvent) for each event, onState(text) as the stream opens and ends;
 * returns a function that closes it.
 */
export function stream(pattern, onEvent, onState) {
  const abort = new AbortController();
  (async () => {
    let res;
    try {
      res = await fetch('/events/stream?pattern=' + encodeURIComponent(pattern), {
        headers: headers({ Accept: 'text/event-stream' }),
        signal: abort.signal,
      });
    } catch (e) {
      if (!abort.signal.aborted) onState('error', 'the server cannot be reached: ' + e.message);
      return;
    }
    if (!res.ok) {
      let detail = res.statusText;
      try {
        detail = (await res.json()).detail || detail;
      } catch (e) {
        // keep the status text
      }
      onState('error', detail + ' (' + res.status + ')');
      return;
    }
    onState('connecting', 'subscribing to ' + pattern + '…');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        // why: read line by line as the SSE format says: a comment is one line (': ...') with no
        // blank line after it, an event ends at a blank line
        while ((end = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, end).replace(/\r$/, '');
          buffer = buffer.slice(end + 1);
          if (line === '') {
            if (data.length) {
              try {
                onEvent(JSON.parse(data.join('\n')));
              } catch (e) {
                // data that is no JSON event is not ours to show
              }
            }
            data = [];
          } else if (line.startsWith(':')) {
            // why: the server says ': subscribed <pattern>' once its subscription exists; events
            // published before that do not reach this stream, so only then is it following
            if (line.replace(/^: ?/, '').startsWith('subscribed')) onState('open', 'following ' + pattern);
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      }
      if (!abort.signal.aborted) onState('closed', 'the server ended the stream');
    } catch (e) {
      if (!abort.signal.aborted) onState('error', 'the stream broke: ' + e.message);
    }
  })();
  return () => abort.abort();
}
