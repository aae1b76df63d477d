'use strict';
/* "/audits": the audits and a form to start one (the REST request's fields). */
L.page(async app => {
  const {h} = L;
  const models = await L.listModels().catch(() => []);
  const p = L.params();
  const form = h('form', {class: 'grid', id: 'audit-form'},
    L.field('model', 'Model', {}, models.filter(m => m.encoder).map(m => [m.id, m.id])),
    L.field('layers', 'Layers (e.g. 0,3; empty: all)', {placeholder: '0,3'}),
    L.field('kind', 'Kind', {placeholder: 'mlp'}),
    L.field('features', 'Features: all, 0-99 or sample:200:1', {placeholder: 'sample:100:1'}),
    L.field('explainer', 'Explainer', {}, [['statistical', 'statistical'], ['llm', 'llm']]),
    L.field('simulator', 'Simulator', {}, [['statistical', 'statistical'], ['llm-json', 'llm-json'], ['llm-logprob', 'llm-logprob']]),
    L.field('concurrency', 'Concurrency', {type: 'number', min: 1, max: 64, value: 2}),
    L.field('watchedConcepts', 'Watched concepts (comma separated)', {}),
    h('div', {}, h('label', {for: 'causal'}, h('input', {type: 'checkbox', id: 'causal', name: 'causal'}), ' causal check (about 1 s per feature)')),
    h('div', {}, h('button', {type: 'submit', id: 'start'}, 'Start audit')));
  L.fillForm(form, Object.fromEntries(p.entries()));
  const formStatus = h('div', {'aria-live': 'polite', id: 'form-status'});
  const list = h('div', {id: 'audit-list'});
  app.replaceChildren(h('section', {'aria-labelledby': 'h-start'}, h('h2', {id: 'h-start'}, 'Start an audit'), form, formStatus),
    h('section', {'aria-labelledby': 'h-list'}, h('h2', {id: 'h-list'}, 'Audits'), list));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const v = L.formValues(form);
    try {
      const body = {model: v.model, explainer: v.explainer, simulator: v.simulator, causal: v.causal === 'true'};
      if (v.layers) body.layers = v.layers.split(/[,\s]+/).filter(Boolean).map(x => {
        if (!/^\d+$/.test(x)) throw new L.ApiError(0, 'Bad layers', 'layers must be whole numbers separated by commas: ' + x);
        return Number(x);
      });
      if (v.kind) body.kind = v.kind;
      if (v.features) {
        const m = /^sample:(\d+)(?::(\d+))?$/.exec(v.features);
        body.features = m ? {sample: Number(m[1]), seed: Number(m[2] || 1)} : v.features;
      }
      if (v.concurrency) body.concurrency = Number(v.concurrency);
      if (v.watchedConcepts) body.watchedConcepts = v.watchedConcepts.split(',').map(s => s.trim()).filter(Boolean);
      const r = await L.api('POST', '/api/audits', body);
      location.assign('/audits/' + encodeURIComponent(r.id));
    } catch (err) {
      formStatus.replaceChildren(L.errorBox(err, 'The audit was not started'));
    }
  });

  try {
    const audits = await L.api('GET', '/api/audits');
    audits.sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
    list.replaceChildren(audits.length ? L.table(['audit', 'state', {label: 'done', num: true}, {label: 'failed', num: true}, {label: 'total', num: true}, 'started'],
      audits.map(x => [h('a', {href: '/audits/' + encodeURIComponent(x.id)}, x.id), x.state, x.done, x.failed, x.total, x.startedAt || '']))
      : h('p', {class: 'muted'}, 'No audit yet.'));
  } catch (err) {
    L.showError(list, err, 'Audits could not be listed');
  }
});
