'use strict';
/* "/knowledge?model=&prompts=&target=": knowledge neurons (Dai et al. 2022) of a fact, linked to their feature pages when collected. */
L.page(async app => {
  const {h} = L;
  const decoders = (await L.listModels()).filter(m => !m.encoder);
  const form = h('form', {class: 'grid', id: 'knowledge-form'},
    L.field('model', 'Decoder', {}, decoders.map(m => [m.id, m.id + ' (' + m.family + ', ' + m.layers + ' layers)'])),
    L.field('prompts', 'Prompts stating one fact (one a line)', {rows: 4, wide: true, placeholder: 'The Statue of Liberty stands in New\nThe city of New'}),
    L.field('target', 'Target token (one token; byte-level BPE: with its leading space)', {placeholder: ' York'}),
    L.field('steps', 'Integrated-gradients steps', {type: 'number', min: 1, max: 200, value: 20}),
    L.field('threshold', 'Threshold (× max attribution per prompt)', {type: 'number', min: 0.01, max: 1, step: 'any', value: 0.3}),
    L.field('share', 'Share of prompts a neuron must exceed', {type: 'number', min: 0, max: 0.99, step: 'any', value: 0.5}),
    h('div', {}, h('button', {type: 'submit', id: 'find'}, 'Find knowledge neurons')));
  const out = h('div', {id: 'knowledge-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.length ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER.'), form, out].filter(Boolean));
  L.fillForm(form, Object.fromEntries(L.params().entries()));

  async function run() {
    const v = L.formValues(form);
    // the target keeps its leading space: read it untrimmed
    const target = form.elements.target.value;
    L.setParams(Object.assign({}, v, {target}));
    const prompts = v.prompts.split('\n').map(s => s.trim()).filter(Boolean);
    if (!prompts.length || !target) { out.replaceChildren(h('p', {class: 'muted'}, 'Give prompts and a target.')); return; }
    out.replaceChildren(h('p', {class: 'muted'}, 'Computing integrated gradients…'));
    try {
      const r = await L.api('POST', '/api/knowledge-neurons', {model: v.model, prompts, target, steps: Number(v.steps || 20),
        threshold: Number(v.threshold || 0.3), share: Number(v.share || 0.5)});
      out.replaceChildren(...render(r.result, new Set(r.collectedLayers)));
    } catch (err) {
      L.showError(out, err, 'Knowledge neurons failed');
    }
  }

  function neuronCell(n, collected) {
    return collected.has(n.layer) ? h('a', {href: '/features/' + n.featureId}, n.featureId)
      : h('span', {title: 'layer ' + n.layer + ' is not collected: no feature page yet'}, n.featureId);
  }

  function render(r, collected) {
    const parts = [h('h2', {}, r.neurons.length + ' knowledge neurons for ', h('code', {}, r.target))];
    parts.push(L.table(['prompt', {label: 'P(target)', num: true}, {label: 'max attribution', num: true}, {label: 'above threshold', num: true}],
      r.prompts.map(p => [p.prompt, L.fmt(p.probability, 4), L.fmt(p.maxAttribution, 4), String(p.coarse)])));
    if (r.neurons.length) {
      const t = L.table(['neuron', {label: 'layer', num: true}, {label: 'attribution', num: true}, {label: 'prompts', num: true}],
        r.neurons.map(n => [neuronCell(n, collected), String(n.layer), L.fmt(n.attribution, 4), String(n.sharedBy)]),
        'Integrated gradients of P(target) with respect to each MLP neuron at the last token (baseline 0, ' + r.steps + ' steps), mean over prompts.');
      t.id = 'neurons';
      parts.push(t);
    }
    const pct = (a, b) => (a === 0 ? '—' : ((b - a) / a * 100).toFixed(1) + '%');
    const eff = L.table(['neurons', {label: 'count', num: true}, {label: 'P(target)', num: true}, {label: 'suppressed (×0)', num: true}, {label: 'change', num: true},
      {label: 'amplified (×2)', num: true}, {label: 'change', num: true}],
      [['knowledge', r.knowledge], ['random, same layers', r.random]].map(([name, e]) => [name, String(e.neurons), L.fmt(e.before, 4),
        L.fmt(e.suppressed, 4), pct(e.before, e.suppressed), L.fmt(e.amplified, 4), pct(e.before, e.amplified)]),
      'Mean over the prompts; the neurons are scaled at the last token only.');
    eff.id = 'effects';
    parts.push(h('h3', {}, 'Suppress and amplify'), eff);
    return parts;
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('prompts')) await run();
});
