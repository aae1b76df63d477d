'use strict';
/* "/search?q=…": fused search with filters, layer facets, score badges and paging; mode=text: features firing on a text. */
L.page(async app => {
  const {h} = L;
  const FILTERS = ['model', 'layer', 'kind', 'explainer', 'minScore', 'minScoreLow', 'minCausal'];
  const models = await L.listModels().catch(() => []);
  const modelOptions = [['', 'any']].concat(models.map(m => [m.id, m.id]));
  const form = h('form', {class: 'grid', role: 'search', id: 'search-form'},
    L.field('mode', 'Mode', {}, [['', 'explanations (fused text + vectors)'], ['text', 'by text: features firing on it']]),
    L.field('q', 'Query or text', {type: 'search', wide: true, placeholder: 'plural nouns'}),
    L.field('model', 'Model', {}, modelOptions),
    L.field('layer', 'Layer', {type: 'number', min: 0}),
    L.field('kind', 'Kind', {placeholder: 'mlp or sae-…'}),
    L.field('explainer', 'Explainer', {placeholder: 'statistical, llm'}),
    L.field('minScore', 'Min. simulation score', {type: 'number', step: 'any'}),
    L.field('minScoreLow', 'Min. lower bound (95%)', {type: 'number', step: 'any'}),
    L.field('minCausal', 'Min. causal score', {type: 'number', step: 'any'}),
    h('div', {}, h('button', {type: 'submit'}, 'Search')));
  const status = h('p', {role: 'status', 'aria-live': 'polite', class: 'muted', id: 'search-status'});
  const facets = h('div', {class: 'facets', id: 'facets'});
  const results = h('div', {id: 'results'});
  app.replaceChildren(form, status, facets, results);

  const LIMIT = 20;
  const state = () => {
    const p = L.params();
    const s = {q: p.get('q') || '', mode: p.get('mode') || '', offset: Number(p.get('offset') || 0)};
    for (const k of FILTERS) s[k] = p.get(k) || '';
    return s;
  };

  async function run() {
    const s = state();
    L.fillForm(form, s);
    results.replaceChildren();
    facets.replaceChildren();
    if (s.mode === 'text') return byText(s);
    if (!s.q && !FILTERS.some(k => s[k])) { status.textContent = 'Type a query, or pick a filter.'; return; }
    status.textContent = 'Searching…';
    const p = new URLSearchParams({limit: LIMIT, offset: s.offset});
    if (s.q) p.set('q', s.q);
    for (const k of FILTERS) if (s[k]) p.set(k, s[k]);
    try {
      const r = await L.api('GET', '/api/search?' + p);
      status.textContent = r.total + ' result' + (r.total === 1 ? '' : 's') + (r.total ? ', ' + (s.offset + 1) + '–' + (s.offset + r.hits.length) : '') + '.';
      const layerFacets = (r.facets && r.facets.layer) || {};
      if (Object.keys(layerFacets).length) {
        facets.append(h('span', {class: 'muted'}, 'Layers: '), ...Object.entries(layerFacets).map(([l, n]) =>
          h('button', {type: 'button', class: 'secondary', 'aria-pressed': String(s.layer === l), onclick: () => go(Object.assign(s, {layer: s.layer === l ? '' : l, offset: 0}))},
            'layer ' + l + ' (' + n + ')')));
      }
      results.append(h('ol', {class: 'hits', start: s.offset + 1}, r.hits.map(hit => h('li', {},
        h('a', {href: '/features/' + hit.feature, class: 'hit'}, hit.feature), ' ',
        h('span', {}, hit.text), h('br'),
        ...hitBadges(hit),
        h('span', {class: 'muted'}, hit.explainer + (hit.match ? ' · ' + hit.match : '') + (hit.topTokens && hit.topTokens.length ? ' · top tokens: ' + hit.topTokens.join(', ') : ''))))));
      const nav = h('nav', {'aria-label': 'Pages'});
      if (s.offset > 0) nav.append(h('button', {type: 'button', class: 'secondary', onclick: () => go(Object.assign(s, {offset: Math.max(0, s.offset - LIMIT)}))}, '← Previous'), ' ');
      if (s.offset + r.hits.length < r.total) nav.append(h('button', {type: 'button', class: 'secondary', id: 'next', onclick: () => go(Object.assign(s, {offset: s.offset + LIMIT}))}, 'Next →'));
      results.append(nav);
    } catch (err) {
      status.textContent = '';
      L.showError(results, err, 'Search failed');
    }
  }

  async function byText(s) {
    if (!s.q) { status.textContent = 'Type a text to see which features fire on it.'; return; }
    status.textContent = 'Running the model…';
    const p = new URLSearchParams({text: s.q});
    if (s.model) p.set('model', s.model);
    if (s.kind) p.set('kind', s.kind);
    if (s.layer) p.set('layer', s.layer);
    try {
      const r = await L.api('GET', '/api/search/by-text?' + p);
      status.textContent = r.hits.length + ' features fire most on this text.';
      results.append(L.table(['feature', {label: 'activation', num: true}, 'at token', 'explanation', {label: 'simulation', num: true}],
        r.hits.map(x => [h('a', {href: '/features/' + x.feature + '?text=' + encodeURIComponent(s.q)}, x.feature), L.fmt(x.activation), x.token,
          x.text || h('span', {class: 'muted'}, 'not explained'), L.fmtScore(x.score)])));
    } catch (err) {
      status.textContent = '';
      L.showError(results, err, 'Search by text failed');
    }
  }

  /** Each score with its 95% interval ({value, ci95, n}); hits from servers before intervals carry plain numbers. */
  function hitBadges(hit) {
    const sc = hit.scores || {};
    return [L.badge('simulation', sc.simulation || hit.score), L.badge('detection', sc.detection || hit.detection),
      L.badge('embedding', sc.embedding || hit.embeddingScore), L.badge('causal', sc.causal || hit.causal)];
  }

  function go(s) {
    const out = {};
    for (const k of ['q', 'mode', ...FILTERS]) out[k] = s[k];
    if (s.offset) out.offset = s.offset;
    L.setParams(out, true);
    run();
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    go(Object.assign(L.formValues(form), {offset: 0}));
  });
  window.addEventListener('popstate', run);
  await run();
});
