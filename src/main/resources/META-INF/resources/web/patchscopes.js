'use strict';
/* "/patchscopes?…": a Patchscope (source state patched into a target prompt) with its preset, and the layer sweep chart. */
L.page(async app => {
  const {h} = L;
  const all = await L.listModels();
  const decoders = all.filter(m => !m.encoder).concat(all.filter(m => m.encoder));
  const layerOptions = m => Array.from({length: m ? m.layers : 0}, (_, i) => [String(i), String(i)]);
  const form = h('form', {class: 'grid', id: 'ps-form'},
    L.field('model', 'Decoder', {}, decoders.map(m => [m.id, m.id + ' (' + (m.encoder ? 'encoder, ' : '') + m.layers + ' layers)'])),
    L.field('preset', 'Preset', {}, [['identity', 'identity (token identity)'], ['entity-description', 'entity description'],
      ['attribute-extraction', 'attribute extraction'], ['free-form', 'free form (your target prompt)']]),
    L.field('prompt', 'Source prompt', {wide: true, placeholder: 'Lionel Messi plays for'}),
    L.field('layer', 'Source layer', {}, layerOptions(decoders[0])),
    L.field('position', 'Source position', {type: 'number', value: -1}),
    L.field('targetPrompt', 'Target prompt (free form)', {wide: true}),
    L.field('targetLayer', 'Target layer (default: source layer)', {}, [['', 'same']].concat(layerOptions(decoders[0]))),
    L.field('targetPosition', 'Target position', {type: 'number', placeholder: 'preset'}),
    L.field('maxTokens', 'Tokens to generate', {type: 'number', min: 1, max: 200, value: 10}),
    h('div', {}, h('button', {type: 'submit', id: 'run'}, 'Run Patchscope'), ' ',
      h('button', {type: 'button', id: 'sweep', class: 'secondary'}, 'Layer sweep')));
  const out = h('div', {id: 'ps-out', 'aria-live': 'polite'});
  const sweepOut = h('div', {id: 'sweep-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.some(m => !m.encoder) ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER (see the README, Decoders).'), form, out, sweepOut].filter(Boolean));
  const syncLayers = () => {
    const m = decoders.find(d => d.id === form.elements.model.value);
    for (const [name, extra] of [['layer', []], ['targetLayer', [['', 'same']]]]) {
      const sel = form.elements[name], keep = sel.value;
      sel.replaceChildren(...extra.concat(layerOptions(m)).map(([v, l]) => h('option', {value: v}, l)));
      if ([...sel.options].some(o => o.value === keep)) sel.value = keep;
    }
  };
  form.elements.model.addEventListener('change', syncLayers);
  const p = Object.fromEntries(L.params().entries());
  if (p.model) form.elements.model.value = p.model;
  syncLayers();
  L.fillForm(form, p);

  const values = () => {
    const v = L.formValues(form);
    L.setParams(Object.assign({}, v, {view: L.params().get('view')}));
    return v;
  };

  async function run() {
    const v = values();
    if (!v.prompt) { out.replaceChildren(h('p', {class: 'muted'}, 'Type a source prompt.')); return; }
    const body = {model: v.model, preset: v.preset, source: {prompt: v.prompt, layer: Number(v.layer), position: Number(v.position || -1)},
      target: {}, maxTokens: Number(v.maxTokens || 10), temperature: 0};
    if (v.targetPrompt) body.target.prompt = v.targetPrompt;
    if (v.targetLayer) body.target.layer = Number(v.targetLayer);
    if (v.targetPosition) body.target.position = Number(v.targetPosition);
    out.replaceChildren(h('p', {class: 'muted'}, 'Running…'));
    try {
      const r = await L.api('POST', '/api/patchscopes', body);
      out.replaceChildren(h('h2', {}, 'Patchscope'),
        h('p', {}, 'Source token ', h('code', {}, r.sourceToken), ' → generated: ', h('strong', {id: 'generated'}, r.generated)),
        h('p', {class: 'muted'}, 'tokens: ', r.tokens.map(t => h('code', {}, t)).flatMap(c => [c, ' '])),
        L.table(['first token', {label: 'probability', num: true}], r.firstTokenTopK.map(t => [h('code', {}, t.token), L.fmt(t.prob, 4)]),
          'The patched target\'s distribution over its first generated token'));
    } catch (err) {
      L.showError(out, err, 'Patchscope failed');
    }
  }

  async function sweep() {
    const v = values();
    L.setParams(Object.assign({}, v, {view: 'sweep'}));
    if (!v.prompt) { sweepOut.replaceChildren(h('p', {class: 'muted'}, 'Type a source prompt.')); return; }
    const body = {model: v.model, prompt: v.prompt, preset: v.preset};
    if (v.targetPrompt) body.targetPrompt = v.targetPrompt;
    if (v.targetPosition) body.targetPosition = Number(v.targetPosition);
    sweepOut.replaceChildren(h('p', {class: 'muted'}, 'Sweeping every layer…'));
    try {
      const r = await L.api('POST', '/api/patchscopes/sweep', body);
      const table = L.table(['layer', {label: 'Patchscope precision@1', num: true}, {label: 'logit lens precision@1', num: true}],
        r.rows.map(x => [String(x.layer), L.fmt(x.patchscopePrecision), L.fmt(x.lensPrecision)]),
        'Over ' + r.positions.length + ' source positions; target prompt ' + JSON.stringify(r.targetPrompt));
      table.id = 'sweep-table';
      const chart = h('div', {id: 'sweep-chart', role: 'img', 'aria-label': 'Precision at 1 per layer: Patchscope and logit lens'});
      sweepOut.replaceChildren(h('h2', {}, 'Layer sweep'), chart,
        table);
      if (window.uPlot) {
        new uPlot({width: Math.min(640, sweepOut.clientWidth || 640), height: 240, scales: {x: {time: false}, y: {range: [0, 1]}},
          axes: [{label: 'layer'}, {label: 'precision@1'}],
          series: [{label: 'layer'}, {label: 'Patchscope', stroke: '#0b57a4', width: 2}, {label: 'logit lens', stroke: '#b34700', width: 2, dash: [6, 4]}]},
        [r.rows.map(x => x.layer), r.rows.map(x => x.patchscopePrecision), r.rows.map(x => x.lensPrecision)], chart);
      }
    } catch (err) {
      L.showError(sweepOut, err, 'Layer sweep failed');
    }
  }

  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  document.getElementById('sweep').addEventListener('click', sweep);
  if (p.prompt) {
    await run();
    if (p.view === 'sweep') await sweep();
  }
});
