'use strict';
/* "/audits/{id}": live progress over server-sent events (ETA, failures), cancel, and the report when done. */
L.page(async app => {
  const {h} = L;
  const id = decodeURIComponent(location.pathname.slice('/audits/'.length));
  const path = '/api/audits/' + encodeURIComponent(id);
  const bar = h('progress', {id: 'progress', max: 1, value: 0, 'aria-labelledby': 'progress-text'});
  const text = h('p', {id: 'progress-text', role: 'status', 'aria-live': 'polite'}, 'Connecting…');
  const cancel = h('button', {type: 'button', id: 'cancel', class: 'secondary'}, 'Cancel audit');
  const failures = h('ul', {id: 'failures'});
  const failSection = h('section', {'aria-labelledby': 'h-fail', hidden: true}, h('h2', {id: 'h-fail'}, 'Failures'), failures);
  const report = h('section', {'aria-labelledby': 'h-report', id: 'report'});
  const messages = h('div', {id: 'messages'});
  app.replaceChildren(bar, text, h('p', {}, cancel), messages, failSection, report);

  let last = null;
  const show = st => {
    last = st;
    const finished = ['done', 'failed', 'cancelled'].includes(st.state);
    bar.max = Math.max(1, st.total);
    bar.value = st.done + st.failed;
    const eta = st.etaSeconds !== null && st.etaSeconds !== undefined && !finished ? ', about ' + fmtDuration(st.etaSeconds) + ' left' : '';
    text.textContent = st.state + ': ' + st.done + ' done, ' + st.failed + ' failed of ' + st.total + eta + '.';
    text.dataset.state = st.state;
    cancel.hidden = finished;
    if (st.error) messages.replaceChildren(L.errorBox(new L.ApiError(0, 'The audit stopped', st.error)));
    if (finished && !report.dataset.loaded) loadReport(st);
  };

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      show(await L.api('DELETE', path));
    } catch (err) {
      messages.replaceChildren(L.errorBox(err, 'Cancel failed'));
    } finally {
      cancel.disabled = false;
    }
  });

  async function loadReport(st) {
    report.dataset.loaded = 'true';
    if (st.done === 0) return;
    report.append(h('h2', {id: 'h-report'}, 'Report'),
      h('p', {}, h('a', {href: path + '/report?format=html'}, 'Open the report on its own'), ' · ', h('a', {href: path + '/report?format=json'}, 'JSON')));
    try {
      const html = await L.api('GET', path + '/report?format=html', undefined, 'text/html');
      report.append(h('iframe', {class: 'report', id: 'report-frame', title: 'Audit report', srcdoc: html, sandbox: ''}));
    } catch (err) {
      report.append(L.errorBox(err, 'The report could not be loaded'));
    }
  }

  show(await L.api('GET', path));
  if (['done', 'failed', 'cancelled'].includes(last.state)) return;
  const follow = async () => {
    try {
      await L.sse(path + '/events', ev => {
        if (ev.type === 'feature' || ev.feature) {
          if (ev.ok === false) {
            failSection.hidden = false;
            failures.append(h('li', {}, h('a', {href: '/features/' + ev.feature}, ev.feature)));
          }
        }
        if (ev.status) show(ev.status);
      });
    } catch (err) {
      messages.replaceChildren(L.errorBox(err, 'Live progress was interrupted'));
    }
    // the stream ends with the job; if it ended early, poll
    if (!['done', 'failed', 'cancelled'].includes(last.state)) {
      try { show(await L.api('GET', path)); } catch (err) { /* shown next round */ }
      if (!['done', 'failed', 'cancelled'].includes(last.state)) setTimeout(follow, 1000);
    }
  };
  follow();
});

function fmtDuration(s) {
  s = Math.round(s);
  return s < 90 ? s + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : (s / 3600).toFixed(1) + ' h';
}
