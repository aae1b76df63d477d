'use strict';
/* "/lre?model=&relation=&layer=&beta=": a linear relational embedding, its faithfulness and causality per subject. */
L.page(async app => {
  const {h} = L;
  const [all, relations] = await Promise.all([L.listModels(), L.api('GET', '/api/lre/relations')]);
  const decoders = all.filter(m => !m.encoder);
  const form = h('form', {class: 'grid', id: 'lre-form'},
    L.field('model', 'Decoder', {}, decoders.map(m => [m.id, m.id + ' (' + m.family + ', ' + m.layers + ' layers)'])),
    L.field('relation', 'Relation', {}, relations.map(t => [t, t])),
    L.field('layer', 'Subject layer', {type: 'number', min: 0, value: 1}),
    L.field('beta', 'Beta', {type: 'number', step: 'any', value: 2.25}),
    L.field('train', 'Training pairs', {type: 'number', min: 1, value: 5}),
    h('div', {}, h('button', {type: 'submit'}, 'Fit the LRE')));
  const out = h('div', {id: 'lre-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.length ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER.'), form, out].filter(Boolean));
  L.fillForm(form, Object.fromEntries(L.params().entries()));
  const num = v => v === '' || v === undefined ? undefined : Number(v);

  async function run() {
    const v = L.formValues(form);
    L.setParams(v);
    out.replaceChildren(h('p', {class: 'muted', role: 'status'}, 'Fitting (one Jacobian per training pair)…'));
    try {
      const r = await L.api('POST', '/api/lre', {model: v.model, relationName: v.relation, layer: num(v.layer),
        beta: num(v.beta), train: num(v.train)});
      const pct = x => x === null || x === undefined ? 'n/a' : L.fmt(100 * x, 3) + '%';
      out.replaceChildren(
        L.table(['measure', {label: 'value', num: true}], [
          ['faithfulness (LRE top = model top)', pct(r.faithfulness)], ['causality (edits that flip to the target)', pct(r.causality)],
          ['model accuracy', pct(r.lmAccuracy)], ['LRE accuracy', pct(r.lreAccuracy)]],
          r.relation + ' on ' + r.model + ', layer ' + r.layer + ', beta ' + r.beta + ', trained on ' + r.trainSubjects.join(', ')),
        L.table(['subject', 'object', 'model top', 'LRE top', 'faithful'],
          r.subjects.map(s => [s.subject, h('code', {}, s.objectToken), h('span', {}, h('code', {}, s.lmTop), ' ', h('span', {class: 'muted'}, L.fmt(s.lmProb, 3))),
            h('span', {}, h('code', {}, s.lreTop), ' ', h('span', {class: 'muted'}, L.fmt(s.lreProb, 3))), s.faithful ? 'yes' : 'no']),
          'Held-out subjects'),
        L.table(['subject', 'toward', 'before', 'after', 'success'],
          r.edits.map(e => [e.subject, e.target + ' → ' + e.targetObject, h('code', {}, e.before), h('code', {}, e.after), e.success ? 'yes' : 'no']),
          'Causality edits (rank ' + r.rank + ' pseudo-inverse)'),
        h('p', {class: 'muted'}, 'Took ' + L.fmt(r.seconds, 3) + ' s.'));
    } catch (err) {
      L.showError(out, err, 'LRE failed');
    }
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('relation')) await run();
});
