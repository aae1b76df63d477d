'use strict';
/* "/verbalize?model=&layer=&text=&position=": what a hidden state says through its trained verbalizer, and how much
   of the state the words keep (round-trip cosine; for decoders the identity Patchscope and logit lens beside it). */
L.page(async app => {
  const {h} = L;
  const all = await L.listModels();
  const subjects = all.filter(m => !/-verbalizer-/.test(m.id));
  const form = h('form', {class: 'grid', id: 'verbalize-form'},
    L.field('model', 'Model', {}, subjects.map(m => [m.id, m.id + ' (' + (m.encoder ? 'encoder' : m.family) + ', ' + m.layers + ' layers)'])),
    L.field('layer', 'Layer (its resid_post is read)', {type: 'number', min: 0, value: 0}),
    L.field('text', 'Sentence', {wide: true, placeholder: 'The jury praised the city for the election.'}),
    L.field('position', 'Token (decoders; negative counts from the end)', {type: 'number', value: -1}),
    h('div', {}, h('button', {type: 'submit'}, 'Verbalize')));
  const out = h('div', {id: 'verbalize-out', 'aria-live': 'polite'});
  app.replaceChildren(h('p', {class: 'muted'}, 'A verbalizer trained here (lantern train verbalizer) reads the state and writes the text it came from; '
    + 'the model re-reads that text, and the cosine says how much of the state came back.'), form, out);
  L.fillForm(form, Object.fromEntries(L.params().entries()));

  async function run() {
    const v = L.formValues(form);
    L.setParams({model: v.model, layer: v.layer, text: v.text, position: v.position});
    if (!v.text) { out.replaceChildren(h('p', {class: 'muted'}, 'Type a sentence.')); return; }
    out.replaceChildren(h('p', {class: 'muted'}, 'Running…'));
    const model = all.find(m => m.id === v.model);
    const body = {model: v.model, hook: 'blocks.' + Number(v.layer || 0) + '.hook_resid_post', text: v.text};
    if (model && !model.encoder) body.position = Number(v.position || -1);
    try {
      const r = await L.api('POST', '/api/verbalize', body);
      const item = r.items[0];
      const said = t => t ? h('code', {class: 'said'}, t) : h('span', {class: 'muted said'}, '(nothing)');
      const rows = [['verbalizer', said(item.text), L.fmt(item.cosine, 3), L.fmt(item.tokenF1, 2)]]
        .concat(item.others.map(o => [o.method, said(o.text), L.fmt(o.cosine, 3), L.fmt(o.tokenF1, 2)]));
      out.replaceChildren(
        h('p', {}, 'State: ', h('code', {}, r.hook), ' of ', h('code', {}, r.model), ' (pool ' + r.pool + ')',
          item.position >= 0 ? ', token ' + item.position : '', '; true text: ', h('q', {class: 'truth'}, item.trueText)),
        L.table(['method', 'says', 'cosine of the round trip', 'token F1'], rows,
          'What the state says, and how much of it comes back when the model re-reads the words'));
    } catch (err) {
      L.showError(out, err, 'Verbalize failed');
    }
  }
  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  if (L.params().get('text')) await run();
});
