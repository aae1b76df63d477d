'use strict';
/* "/lens?model=&prompt=&position=&k=": the logit lens of a decoder, top-k tokens per layer at one position. */
L.page(async app => {
  const {h} = L;
  const all = await L.listModels();
  const decoders = all.filter(m => !m.encoder);
  const choices = decoders.concat(all.filter(m => m.encoder));
  const form = h('form', {class: 'grid', id: 'lens-form'},
    L.field('model', 'Decoder', {}, choices.map(m => [m.id, m.id + ' (' + (m.encoder ? 'encoder' : m.family) + ', ' + m.layers + ' layers)'])),
    L.field('prompt', 'Prompt', {wide: true, placeholder: 'The capital of Poland is'}),
    L.field('position', 'Position (negative counts from the end)', {type: 'number', value: -1}),
    L.field('k', 'Top k', {type: 'number', min: 1, max: 50, value: 5}),
    L.field('dola', 'DoLa at the last token (empty: off; "high", "low" or "0,2")', {placeholder: 'high'}),
    h('div', {}, h('button', {type: 'submit'}, 'Run the lens')));
  const chips = h('div', {class: 'chips', id: 'positions', role: 'group', 'aria-label': 'Pick a position'});
  const out = h('div', {id: 'lens-out', 'aria-live': 'polite'});
  app.replaceChildren(...[decoders.length ? null : h('p', {class: 'error', role: 'alert'},
    'No decoder is registered: add one with ./lantern models add NAME FOLDER (see the README, Decoders).'), form, chips, out].filter(Boolean));
  L.fillForm(form, Object.fromEntries(L.params().entries()));

  async function run() {
    const v = L.formValues(form);
    L.setParams({model: v.model, prompt: v.prompt, position: v.position, k: v.k, dola: v.dola});
    if (!v.prompt) { out.replaceChildren(h('p', {class: 'muted'}, 'Type a prompt.')); return; }
    out.replaceChildren(h('p', {class: 'muted'}, 'Running…'));
    try {
      const r = await L.api('POST', '/api/lens', {model: v.model, prompt: v.prompt, position: Number(v.position || -1), k: Number(v.k || 5)});
      chips.replaceChildren(h('span', {class: 'muted'}, 'Position: '), ...r.tokens.map((t, i) => h('button', {type: 'button', 'aria-pressed': String(i === r.position),
        title: 'position ' + i, onclick: () => { form.elements.position.value = i; run(); }}, t)));
      const k = Math.max(...r.layers.map(l => l.top.length));
      out.replaceChildren(L.table(['layer', ...Array.from({length: k}, (_, i) => '#' + (i + 1))],
        r.layers.map(l => [String(l.layer), ...l.top.map(t => h('span', {}, h('code', {}, t.token), ' ', h('span', {class: 'muted'}, L.fmt(t.prob, 3))))]),
        'Next-token guesses read from each layer\'s residual stream at "' + r.tokens[r.position] + '" (position ' + r.position + ')'));
      if (v.dola) out.append(await dola(v));
    } catch (err) {
      L.showError(out, err, 'Logit lens failed');
    }
  }
  /** DoLa's next token at the end of the prompt: which premature layer it contrasts with, and how far each candidate is. */
  async function dola(v) {
    const box = h('section', {id: 'dola-out'}, h('h2', {}, 'DoLa at the last token'));
    try {
      const [d, plain] = await Promise.all([
        L.api('POST', '/api/generate', {model: v.model, prompt: v.prompt, maxTokens: 1, dola: v.dola}),
        L.api('POST', '/api/generate', {model: v.model, prompt: v.prompt, maxTokens: 1})]);
      const t = d.tokens[0];
      if (!t) { box.append(h('p', {class: 'muted'}, 'The model ended the text here.')); return box; }
      box.append(h('p', {}, 'Next token by DoLa: ', h('code', {id: 'dola-token'}, t.token), ' (contrasted with layer ',
        h('strong', {id: 'dola-layer'}, String(t.premature)), '); the model\'s own: ', h('code', {}, plain.tokens[0] ? plain.tokens[0].token : '(end)'), '.'));
      box.append(L.table([{label: 'candidate layer', num: true}, {label: 'JS divergence from the final layer', num: true}],
        d.candidates.map((c, j) => [String(c) + (c === t.premature ? ' (chosen)' : ''), t.js ? L.fmt(t.js[j], 5) : '—'])));
    } catch (err) {
      L.showError(box, err, 'DoLa failed');
    }
    return box;
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('prompt')) await run();
});
