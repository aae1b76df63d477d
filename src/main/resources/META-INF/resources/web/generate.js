'use strict';
/* "/generate?model=&prompt=&dola=&…": continue a prompt, plainly or by DoLa; with DoLa each token shows the premature layer it was contrasted with. */
L.page(async app => {
  const {h} = L;
  const decoders = (await L.listModels()).filter(m => !m.encoder);
  const form = h('form', {class: 'grid', id: 'generate-form'},
    L.field('model', 'Decoder', {}, decoders.map(m => [m.id, m.id + ' (' + m.family + ', ' + m.layers + ' layers)'])),
    L.field('prompt', 'Prompt', {wide: true, placeholder: 'The jury said'}),
    L.field('dola', 'DoLa layers (empty: plain decoding; "high", "low" or "0,2,4")', {placeholder: 'high', list: 'dola-choices'}),
    h('datalist', {id: 'dola-choices'}, h('option', {value: 'high'}), h('option', {value: 'low'})),
    L.field('repetitionPenalty', 'Repetition penalty (1 = none; 1.2 suits DoLa)', {type: 'number', min: 0.1, max: 10, step: 'any', value: 1}),
    L.field('maxTokens', 'Tokens', {type: 'number', min: 1, max: 512, value: 32}),
    L.field('temperature', 'Temperature (0 = greedy)', {type: 'number', min: 0, step: 'any', value: 0}),
    L.field('topP', 'Top p', {type: 'number', min: 0.01, max: 1, step: 'any', value: 1}),
    L.field('seed', 'Seed', {type: 'number', value: 0}),
    h('div', {}, h('button', {type: 'submit', id: 'generate'}, 'Generate')));
  const out = h('div', {id: 'generate-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.length ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER.'), form, out].filter(Boolean));
  L.fillForm(form, Object.fromEntries(L.params().entries()));

  async function run() {
    const v = L.formValues(form);
    L.setParams(v);
    if (!v.prompt) { out.replaceChildren(h('p', {class: 'muted'}, 'Type a prompt.')); return; }
    const body = {model: v.model, prompt: v.prompt, maxTokens: Number(v.maxTokens || 32), temperature: Number(v.temperature || 0),
      topP: Number(v.topP || 1), seed: Number(v.seed || 0), repetitionPenalty: Number(v.repetitionPenalty || 1)};
    if (v.dola) body.dola = v.dola;
    out.replaceChildren(h('p', {class: 'muted'}, 'Generating…'));
    try {
      out.replaceChildren(...render(await L.api('POST', '/api/generate', body)));
    } catch (err) {
      L.showError(out, err, 'Generation failed');
    }
  }

  function render(r) {
    const parts = [h('h2', {}, r.dola ? 'DoLa (' + r.dola + ')' : 'Plain decoding'),
      h('p', {class: 'window', id: 'generated'}, h('span', {class: 'muted'}, r.prompt), r.text)];
    if (r.dola) {
      parts.push(h('p', {}, 'Candidate premature layers (hidden state entering the block; 0 = embeddings): ',
        h('strong', {id: 'candidates'}, r.candidates.join(', '))));
      parts.push(L.table(['#', 'token', {label: 'premature layer', num: true}, ...r.candidates.map(c => ({label: 'JS vs layer ' + c, num: true}))],
        r.tokens.map((t, i) => [String(i + 1), h('code', {}, t.token), String(t.premature),
          ...r.candidates.map((c, j) => t.js ? L.fmt(t.js[j], 4) : '—')]),
        'Each token was picked from log p(final) − log p(premature layer), over the tokens with at least 0.1 × the top final probability; the premature layer is the candidate farthest from the final layer (Jensen–Shannon).'));
    }
    return parts;
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('prompt')) await run();
});
