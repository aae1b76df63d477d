'use strict';
/* "/models/{id}?length=&batch=&seed=&ablation=": a model's facts and its attention-head roles, as layer × head tables. */
L.page(async app => {
  const {h} = L;
  document.head.append(h('link', {rel: 'stylesheet', href: '/web/circuits.css'}));
  const id = decodeURIComponent(location.pathname.replace(/^\/models\//, ''));
  const info = (await L.listModels()).find(m => m.id === id);
  if (!info) throw new L.ApiError(404, 'Not found', 'unknown model \'' + id + '\': the home page lists the models here.');

  const enc = encodeURIComponent(id);
  const facts = h('section', {'aria-labelledby': 'h-facts'}, h('h2', {id: 'h-facts'}, 'Model'),
    L.table(['family', 'kind', {label: 'layers', num: true}, {label: 'heads / layer', num: true}, {label: 'd_model', num: true},
      {label: 'neurons / layer', num: true}, {label: 'vocabulary', num: true}, {label: 'context', num: true}],
    [[info.family, info.encoder ? 'encoder' : 'decoder', info.layers, info.heads, info.dModel, info.neuronsPerLayer,
      info.vocabSize.toLocaleString('en'), info.contextLength]]),
    h('p', {}, info.encoder ? h('a', {href: '/search?model=' + enc}, 'Search its features')
      : h('span', {}, h('a', {href: '/lens?model=' + enc}, 'Logit lens'), ' · ', h('a', {href: '/patchscopes?model=' + enc}, 'Patchscopes'),
        ' · ', h('a', {href: '/search?model=' + enc}, 'Search its features'))));

  const form = h('form', {class: 'grid', id: 'heads-form'},
    L.field('length', 'Random tokens per copy', {type: 'number', min: 2, placeholder: '50 (or what fits)'}),
    L.field('batch', 'Rows', {type: 'number', min: 1, max: 64, placeholder: '8'}),
    L.field('seed', 'Seed', {type: 'number', placeholder: '0'}),
    L.field('ablation', 'Ablation', {}, info.encoder ? [['none', 'none (encoder: no loss)']]
      : [['zero', 'zero'], ['mean', 'mean over rows'], ['none', 'none']]),
    h('div', {}, h('button', {type: 'submit', id: 'score-heads'}, 'Score heads')));
  const status = h('p', {class: 'muted', id: 'heads-status', role: 'status'});
  const out = h('div', {id: 'heads-out'});
  const heads = h('section', {'aria-labelledby': 'h-heads'}, h('h2', {id: 'h-heads'}, 'Attention-head roles'),
    h('p', {class: 'muted'}, 'Random tokens, repeated once after the model\'s frame. For each query in the second copy: ',
      h('strong', {}, 'previous-token'), ' is the attention to the token before it, ', h('strong', {}, 'duplicate-token'),
      ' to the same token in the first copy, ', h('strong', {}, 'induction'), ' to the token that followed it there ',
      '(TransformerLens\' definitions); ', info.encoder ? '' : 'the loss change is the repeated copy\'s next-token loss with the head ablated, minus the clean loss.'),
    form, status, out);
  app.replaceChildren(facts, heads);
  L.fillForm(form, Object.fromEntries(L.params().entries()));

  async function run() {
    const v = L.formValues(form);
    L.setParams({length: v.length, batch: v.batch, seed: v.seed, ablation: v.ablation});
    const body = {ablation: v.ablation};
    for (const k of ['length', 'batch', 'seed']) if (v[k] !== '') body[k] = Number(v[k]);
    status.textContent = 'Scoring ' + info.layers * info.heads + ' heads…';
    out.replaceChildren();
    try {
      const t0 = performance.now();
      const r = await L.api('POST', '/api/models/' + enc + '/heads', body);
      status.textContent = r.heads.length + ' heads scored on ' + r.probe.batch + ' row' + (r.probe.batch === 1 ? '' : 's') + ' of '
        + r.probe.length + ' tokens' + (r.probe.seed === null ? ' (given)' : ' (seed ' + r.probe.seed + ')') + ' in '
        + ((performance.now() - t0) / 1000).toFixed(1) + ' s.';
      out.replaceChildren(...render(r));
    } catch (err) {
      status.textContent = '';
      L.showError(out, err, 'Head roles failed');
    }
  }

  function render(r) {
    const parts = [];
    if (r.repeatedHalfLoss !== null) {
      parts.push(h('p', {id: 'clean-loss'}, 'Clean next-token loss: first copy ', h('strong', {}, L.fmt(r.firstHalfLoss, 3)),
        ', repeated copy ', h('strong', {}, L.fmt(r.repeatedHalfLoss, 3)), ' nats/token',
        r.repeatedHalfLoss < r.firstHalfLoss - 0.5 ? ' (the model copies: in-context repetition is easy for it).' : '.'));
    }
    const roles = [['previous-token', 'previousToken'], ['duplicate-token', 'duplicateToken'], ['induction', 'induction']];
    if (r.heads.some(x => x.lossChange !== null)) roles.push(['loss increase when ablated', 'lossChange']);
    parts.push(h('ul', {id: 'strongest'}, roles.map(([label, key]) => h('li', {}, 'Strongest ' + label + ' heads: ',
      r.heads.slice().sort((a, b) => b[key] - a[key]).slice(0, 3).flatMap((x, i) => [i ? ', ' : '', h('strong', {}, 'L' + x.layer + 'H' + x.head),
        ' ' + L.fmt(x[key], 3)])))));
    const grid = h('div', {class: 'heat-grid'});
    for (const [label, key] of roles) grid.append(heat(r, label, key));
    parts.push(grid);
    return parts;
  }

  /** One layer × head table of one score; each cell's background grows with its value (diverging for the loss change). */
  function heat(r, label, key) {
    const loss = key === 'lossChange';
    const values = r.heads.map(x => x[key]);
    const scale = loss ? Math.max(1e-9, ...values.map(Math.abs)) : 1;
    const rows = [];
    for (let l = 0; l < r.layers; l++) {
      const cells = r.heads.filter(x => x.layer === l).map(x => {
        const v = x[key];
        const t = Math.max(-1, Math.min(1, v / scale));
        const color = t >= 0 ? (loss ? '214, 39, 40' : '255, 140, 0') : '31, 119, 180';
        const td = h('td', {class: 'num heat', 'data-layer': l, 'data-head': x.head, 'data-value': v, title: 'L' + l + 'H' + x.head + ' ' + label + ' ' + L.fmt(v, 4)},
          loss ? (v >= 0 ? '+' : '') + L.fmt(v, 2) : L.fmt(v, 2));
        td.style.background = 'rgba(' + color + ', ' + (Math.abs(t) * (loss ? 0.6 : 0.85)).toFixed(3) + ')';
        return td;
      });
      rows.push(h('tr', {}, h('th', {scope: 'row'}, 'L' + l), cells));
    }
    return h('table', {class: 'heat', 'data-score': key},
      h('caption', {}, label + (loss ? ' (nats; ' + r.ablation + ' ablation)' : '')),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'layer'), Array.from({length: r.headsPerLayer}, (_, i) => h('th', {scope: 'col', class: 'num'}, 'H' + i)))),
      h('tbody', {}, rows));
  }

  form.addEventListener('submit', e => { e.preventDefault(); run(); });
  await run();
});
