'use strict';
/* Lantern web viewer: shared helpers (API calls with the stored key, problem+json errors, DOM building, URL state). */
(function () {
  const KEY = 'lantern.apiKey';

  /** Element builder: h('a', {href: '/x', class: 'y'}, 'text', child). Text is always set as text, never as HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  class ApiError extends Error {
    constructor(status, title, detail) {
      super(detail || title || ('HTTP ' + status));
      this.status = status;
      this.title = title;
      this.detail = detail;
    }
  }

  function headers(extra) {
    const hs = Object.assign({Accept: 'application/json'}, extra || {});
    const key = sessionStorage.getItem(KEY);
    if (key) hs.Authorization = 'Bearer ' + key;
    return hs;
  }

  /** Reads a failed response as RFC 9457 problem JSON when it is one, else as text. */
  async function problem(res) {
    let title = res.statusText, detail = '';
    const type = res.headers.get('Content-Type') || '';
    try {
      if (type.includes('json')) {
        const p = await res.json();
        title = p.title || title;
        detail = p.detail || p.message || '';
      } else {
        detail = (await res.text()).slice(0, 300);
      }
    } catch (e) { /* body unreadable: the status says enough */ }
    if (res.status === 401 || res.status === 403) {
      detail = (detail ? detail + ' ' : '') + '(enter an API key under "API key" at the top right)';
    }
    return new ApiError(res.status, title || ('HTTP ' + res.status), detail);
  }

  /** Calls the API; resolves to parsed JSON (or text for non-JSON answers); rejects with an ApiError. */
  async function api(method, path, body, accept) {
    const opts = {method, headers: headers(accept ? {Accept: accept} : {})};
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      throw new ApiError(0, 'The service cannot be reached', String(e.message || e));
    }
    if (!res.ok) throw await problem(res);
    const type = res.headers.get('Content-Type') || '';
    return type.includes('json') ? res.json() : res.text();
  }

  /** Reads server-sent events with fetch (so the API key header goes along); calls onEvent(data object). */
  async function sse(path, onEvent, signal) {
    const res = await fetch(path, {headers: headers({Accept: 'text/event-stream'}), signal});
    if (!res.ok) throw await problem(res);
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += dec.decode(value, {stream: true});
      let cut;
      while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
        if (data) onEvent(JSON.parse(data));
      }
    }
  }

  /** A readable error box (role=alert) in place of the container's content, or appended. */
  function errorBox(err, what) {
    const title = (what ? what + ': ' : '') + (err.title || 'Error') + (err.status ? ' (' + err.status + ')' : '');
    return h('div', {class: 'error', role: 'alert'}, h('strong', {text: title}), err.detail !== undefined ? err.detail : String(err.message || err));
  }

  function showError(container, err, what) {
    container.replaceChildren(errorBox(err, what));
  }

  /** A score as the API gives it: a plain number, or {value, ci95: [lo, hi], n}. Null when absent. */
  function scoreValue(s) {
    if (s === null || s === undefined) return null;
    if (typeof s === 'number') return s;
    if (typeof s === 'object' && typeof s.value === 'number') return s.value;
    if (typeof s === 'object' && typeof s.score === 'number') return s.score;
    return null;
  }

  function fmt(x, digits) {
    return x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toFixed(digits === undefined ? 3 : digits);
  }

  /** "0.812", or "0.812 [0.701, 0.903] n=30" for the interval shape. */
  function fmtScore(s) {
    const v = scoreValue(s);
    if (v === null) return '–';
    let out = fmt(v);
    if (s && typeof s === 'object' && Array.isArray(s.ci95) && s.ci95.length === 2) {
      out += ' [' + fmt(s.ci95[0]) + ', ' + fmt(s.ci95[1]) + ']';
    }
    if (s && typeof s === 'object' && typeof s.n === 'number') out += ' n=' + s.n;
    return out;
  }

  function badge(label, s) {
    const v = scoreValue(s);
    const cls = v === null ? 'badge' : v >= 0.5 ? 'badge good' : v < 0.2 ? 'badge bad' : 'badge';
    return h('span', {class: cls, title: label}, label + ' ' + fmtScore(s));
  }

  /** A token whose background is scaled to its activation (relative to max); the value shows on hover. */
  function token(text, act, max) {
    const t = max > 0 ? Math.max(0, Math.min(1, act / max)) : 0;
    const span = h('span', {class: 'tok', title: fmt(act), 'data-act': fmt(act, 4)}, text);
    if (t > 0) span.style.background = 'rgba(255, 140, 0, ' + (0.12 + 0.78 * t).toFixed(3) + ')';
    if (t > 0.5) span.style.fontWeight = '600';
    return span;
  }

  /**
   * Word pieces joined the way they were written: "##ing" continues the previous token. Each token is followed by
   * its activation as text (class "act"), shown when the page has class "show-acts" (a checkbox, see
   * showValuesToggle): readable without a mouse, and by screen readers once shown.
   */
  function tokens(list, acts, max) {
    const out = [];
    list.forEach((tok, i) => {
      const piece = tok.startsWith('##');
      if (i > 0 && !piece && !(cjk(list[i - 1]) && cjk(tok))) out.push(' ');
      out.push(token(piece ? tok.slice(2) : tok.replace(/^Ġ/, ''), acts[i] || 0, max));
      out.push(h('sub', {class: 'act'}, fmt(acts[i] || 0, 2)));
    });
    return out;
  }

  /** One Chinese character or mark: written with no space beside another (as ChineseText.isCjkWord). */
  function cjk(tok) {
    const chars = Array.from(tok || '');
    return chars.length === 1 && /[\p{Script=Han}\u3000-\u303f\uff00-\uffef《》「」『』（）…—·]/u.test(chars[0]);
  }

  /** A checkbox that shows every token's activation value under it in {@code scope} (an element). */
  function showValuesToggle(scope, id) {
    const box = h('input', {type: 'checkbox', id: id || 'show-acts'});
    box.addEventListener('change', () => scope.classList.toggle('show-acts', box.checked));
    return h('label', {for: id || 'show-acts', class: 'toggle'}, box, ' show activation values');
  }

  function params() {
    return new URLSearchParams(location.search);
  }

  /** Puts the page's state into its URL (so it can be shared and reloaded); push adds a history entry. */
  function setParams(obj, push) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined && v !== '') p.set(k, v);
    const url = location.pathname + (p.toString() ? '?' + p : '');
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  /** A labelled form field: field('q', 'Search', {type: 'search'}) or a select with options [[value, label]]. */
  function field(id, label, attrs, options) {
    const {wide, ...rest} = attrs || {};
    const input = options
      ? h('select', Object.assign({id, name: id}, rest), options.map(([v, l]) => h('option', {value: v}, l)))
      : h(rest.rows ? 'textarea' : 'input', Object.assign({id, name: id}, rest));
    return h('div', {class: wide ? 'wide' : null}, h('label', {for: id}, label), input);
  }

  function formValues(form) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      out[el.name] = el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
    }
    return out;
  }

  function fillForm(form, values) {
    for (const el of form.elements) {
      if (!el.name || values[el.name] === undefined || values[el.name] === null) continue;
      if (el.type === 'checkbox') el.checked = values[el.name] === 'true';
      else el.value = values[el.name];
    }
  }

  function table(headersRow, rows, caption) {
    return h('table', {}, caption ? h('caption', {class: 'muted'}, caption) : null,
      h('thead', {}, h('tr', {}, headersRow.map(c => h('th', {scope: 'col', class: c.num ? 'num' : null}, c.label || c)))),
      h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => h('td', {class: headersRow[i].num ? 'num' : null}, c))))));
  }

  let models = null;
  async function listModels() {
    if (!models) models = await api('GET', '/api/models');
    return models;
  }

  function setup() {
    document.querySelectorAll('nav a').forEach(a => {
      const here = a.getAttribute('href') === '/' ? location.pathname === '/' : location.pathname.startsWith(a.getAttribute('href'));
      if (here && !a.classList.contains('brand')) a.setAttribute('aria-current', 'page');
    });
    const form = document.getElementById('key-form');
    const input = document.getElementById('api-key');
    input.value = sessionStorage.getItem(KEY) || '';
    form.addEventListener('submit', e => {
      e.preventDefault();
      if (input.value.trim()) sessionStorage.setItem(KEY, input.value.trim()); else sessionStorage.removeItem(KEY);
      location.reload();
    });
    document.getElementById('key-clear').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      location.reload();
    });
  }

  /** Runs the page's render function once the DOM and deferred scripts are in; a failure becomes a readable message. */
  function page(render) {
    const run = async () => {
      setup();
      const app = document.getElementById('app');
      try {
        await render(app);
      } catch (e) {
        showError(app, e);
      }
      document.body.dataset.ready = 'true';
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run); else run();
  }

  window.L = {h, api, sse, errorBox, showError, scoreValue, fmt, fmtScore, badge, token, tokens, showValuesToggle, params, setParams,
    field, formValues, fillForm, table, listModels, page, ApiError};
})();
