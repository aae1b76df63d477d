'use strict';
/* "/steer?model=&prompt=&i=[…]&candidates=…": a prompt with and without interventions, outputs side by side. */
L.page(async app => {
  const {h} = L;
  const models = await L.listModels();
  const p = L.params();
  const form = h('form', {class: 'grid', id: 'steer-form'},
    L.field('model', 'Model', {}, models.map(m => [m.id, m.id])),
    L.field('prompt', 'Prompt', {wide: true, placeholder: 'The jury said the law was fair.'}),
    L.field('candidates', 'Candidate texts to rank (one a line; encoders)', {rows: 4, wide: true}),
    L.field('top', 'Neighbours shown', {type: 'number', min: 1, max: 100, value: 5}));
  const rows = h('div', {id: 'interventions'});
  const add = h('button', {type: 'button', class: 'secondary', id: 'add-intervention'}, 'Add intervention');
  const submit = h('button', {type: 'submit', form: 'steer-form', id: 'steer'}, 'Run with and without');
  const out = h('div', {id: 'steer-out', 'aria-live': 'polite'});
  app.replaceChildren(form, h('h2', {}, 'Interventions'), rows, h('p', {}, add, ' ', submit), out);
  L.fillForm(form, Object.fromEntries(p.entries()));

  let n = 0;
  const TYPES = [['ablate-neuron', 'ablate a neuron'], ['add-direction', 'add a direction'], ['clamp-sae', 'clamp an SAE feature'], ['ablate-sae', 'ablate an SAE feature']];
  function row(spec) {
    const k = ++n;
    const fs = h('fieldset', {class: 'grid intervention'}, h('legend', {}, 'Intervention ' + k),
      L.field('type-' + k, 'Type', {'data-key': 'type'}, TYPES),
      L.field('feature-' + k, 'Feature (neuron or SAE feature id)', {'data-key': 'feature', placeholder: 'minilm-l6/3/mlp/17'}),
      L.field('hook-' + k, 'Hook (add-direction)', {'data-key': 'hook', placeholder: 'blocks.3.hook_resid_post'}),
      L.field('direction-' + k, 'Direction name', {'data-key': 'direction'}),
      L.field('scale-' + k, 'Scale', {'data-key': 'scale', type: 'number', step: 'any'}),
      L.field('value-' + k, 'Value (clamp)', {'data-key': 'value', type: 'number', step: 'any'}),
      h('div', {}, h('button', {type: 'button', class: 'secondary', onclick: () => fs.remove()}, 'Remove')));
    for (const el of fs.querySelectorAll('[data-key]')) if (spec && spec[el.dataset.key] !== undefined && spec[el.dataset.key] !== null) el.value = spec[el.dataset.key];
    rows.append(fs);
    return fs;
  }
  const specs = () => [...rows.querySelectorAll('fieldset')].map(fs => {
    const s = {};
    for (const el of fs.querySelectorAll('[data-key]')) {
      const v = el.value.trim();
      if (!v) continue;
      s[el.dataset.key] = ['scale', 'value'].includes(el.dataset.key) ? Number(v) : v;
    }
    return s;
  });
  add.addEventListener('click', () => row().querySelector('select').focus());
  let initial = [];
  try { initial = JSON.parse(p.get('i') || '[]'); } catch (e) { out.replaceChildren(L.errorBox(new L.ApiError(0, 'Bad link', 'the interventions in this URL are not JSON'))); }
  (initial.length ? initial : [{type: 'ablate-neuron'}]).forEach(row);

  async function run() {
    const v = L.formValues(form);
    const interventions = specs();
    L.setParams({model: v.model, prompt: v.prompt, candidates: v.candidates, top: v.top, i: JSON.stringify(interventions)});
    if (!v.prompt) { out.replaceChildren(h('p', {class: 'muted'}, 'Type a prompt.')); return; }
    const body = {model: v.model, prompt: v.prompt, interventions};
    const cands = v.candidates.split('\n').map(s => s.trim()).filter(Boolean);
    if (cands.length) body.candidates = cands;
    if (v.top) body.top = Number(v.top);
    out.replaceChildren(h('p', {class: 'muted'}, 'Running…'));
    try {
      out.replaceChildren(...render(await L.api('POST', '/api/steer', body)));
    } catch (err) {
      L.showError(out, err, 'Steering failed');
    }
  }

  /** Any cleanX / steeredX pair side by side (neighbour lists or texts), then whatever else the answer holds. */
  function render(r) {
    const parts = [h('h2', {}, 'Outputs')];
    if (Array.isArray(r.applied)) parts.push(h('p', {}, 'Applied: ', r.applied.join('; ') || 'nothing'));
    if (typeof r.cosine === 'number') parts.push(h('p', {}, 'Cosine between the clean and the steered embedding: ', h('strong', {id: 'cosine'}, L.fmt(r.cosine, 4))));
    const shown = new Set(['applied', 'cosine', 'prompt']);
    for (const key of Object.keys(r)) {
      if (!key.startsWith('clean')) continue;
      const other = 'steered' + key.slice(5);
      if (!(other in r)) continue;
      shown.add(key); shown.add(other);
      parts.push(h('div', {class: 'row side-by-side'}, h('div', {}, h('h3', {}, 'Without (' + key + ')'), value(r[key])),
        h('div', {}, h('h3', {}, 'With (' + other + ')'), value(r[other]))));
    }
    const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !shown.has(k)));
    if (Object.keys(rest).length) parts.push(h('details', {}, h('summary', {}, 'Other fields'), h('pre', {}, JSON.stringify(rest, null, 2))));
    return parts;
  }

  function value(x) {
    if (Array.isArray(x) && x.length && typeof x[0] === 'object' && 'text' in x[0]) {
      return L.table(['text', {label: 'cosine', num: true}], x.map(nb => [nb.text, L.fmt(nb.cosine, 4)]));
    }
    if (typeof x === 'string') return h('p', {class: 'window'}, x);
    return h('pre', {}, JSON.stringify(x, null, 2));
  }

  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (p.get('prompt')) await run();
});
