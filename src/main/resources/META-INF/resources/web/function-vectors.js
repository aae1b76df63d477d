'use strict';
/* "/function-vectors?model=&task=&heads=&layer=&shots=": a function vector's heads (by average indirect effect) and
   its zero-shot accuracy with and without it. Heads have no feature pages: the table names them by layer.head. */
L.page(async app => {
  const {h} = L;
  const [all, tasks] = await Promise.all([L.listModels(), L.api('GET', '/api/function-vectors/tasks')]);
  const decoders = all.filter(m => !m.encoder);
  const form = h('form', {class: 'grid', id: 'fv-form'},
    L.field('model', 'Decoder', {}, decoders.map(m => [m.id, m.id + ' (' + m.family + ', ' + m.layers + ' layers, ' + m.heads + ' heads)'])),
    L.field('task', 'Task', {}, tasks.map(t => [t, t])),
    L.field('heads', 'Top heads', {type: 'number', min: 1, value: 10}),
    L.field('layer', 'Add at layer (empty: layers/3)', {type: 'number', min: 0}),
    L.field('shots', 'Shots', {type: 'number', min: 1, value: 10}),
    L.field('meanTrials', 'Prompts for the mean', {type: 'number', min: 1, max: 200, value: 50}),
    L.field('aieTrials', 'Shuffled prompts for the AIE', {type: 'number', min: 1, max: 50, value: 10}),
    h('div', {}, h('button', {type: 'submit'}, 'Extract the function vector')));
  const out = h('div', {id: 'fv-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.length ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER.'), form, out].filter(Boolean));
  L.fillForm(form, Object.fromEntries(L.params().entries()));
  const num = v => v === '' || v === undefined ? undefined : Number(v);

  async function run() {
    const v = L.formValues(form);
    L.setParams(v);
    out.replaceChildren(h('p', {class: 'muted', role: 'status'}, 'Running (mean outputs, then one patched pass per head and prompt)…'));
    try {
      const r = await L.api('POST', '/api/function-vectors', {model: v.model, taskName: v.task, heads: num(v.heads),
        layer: num(v.layer), shots: num(v.shots), meanTrials: num(v.meanTrials), aieTrials: num(v.aieTrials)});
      const pct = x => L.fmt(100 * x, 3) + '%';
      out.replaceChildren(
        L.table(['condition', {label: 'top-1 accuracy', num: true}], [
          ['zero-shot', pct(r.zeroShot)], ['zero-shot + function vector (layer ' + r.layer + ')', pct(r.zeroShotWithFv)],
          [r.shots + '-shot', pct(r.fewShot)]], r.items.length + ' held-out pairs of ' + r.task + ' on ' + r.model),
        L.table(['rank', 'head', {label: 'AIE', num: true}, {label: '|mean output|', num: true}],
          r.heads.map((x, i) => [String(i + 1), h('code', {}, 'L' + x.layer + '.H' + x.head), L.fmt(x.aie, 4), L.fmt(x.outputNorm, 3)]),
          'Heads by average indirect effect over ' + r.aieTrials + ' shuffled-label prompts (the vector sums these)'),
        h('p', {}, 'The vector (norm ' + L.fmt(r.fvNorm, 3) + ') promotes: ',
          ...r.vectorTokens.slice(0, 8).map(t => h('span', {}, h('code', {}, t.token), ' '))),
        L.table(['input', 'target', 'zero-shot', '+ FV', 'few-shot'],
          r.items.map(i => [i.input, h('code', {}, i.target), h('code', {}, i.zeroShot), h('code', {}, i.zeroShotWithFv), h('code', {}, i.fewShot)]),
          'Top token per held-out pair'),
        h('p', {class: 'muted'}, 'Took ' + L.fmt(r.seconds, 3) + ' s.'));
    } catch (err) {
      L.showError(out, err, 'Function vector failed');
    }
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('task')) await run();
});
