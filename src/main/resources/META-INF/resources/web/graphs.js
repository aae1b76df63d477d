'use strict';
/* "/graphs": the stored attribution graphs, newest first, each linking to its drawing. */
L.page(async app => {
  const {h} = L;
  const list = await L.api('GET', '/api/graphs');
  const items = Array.isArray(list) ? list : (list.graphs || []);
  if (!items.length) {
    app.replaceChildren(h('p', {class: 'muted', id: 'no-graphs'}, 'No graph yet: build one with ', h('code', {}, 'lantern attribute --model M --transcoders NAME --prompt "..."'),
      ' or POST /api/graphs.'));
    return;
  }
  // one line of GET /api/graphs: {id, model, transcoders, prompt, tokens, featureNodes, settings: {replacementScore, ...}}
  const set = x => x.settings || {};
  const when = x => String(set(x).created || x.created || '');
  const sorted = items.slice().sort((a, b) => when(b).localeCompare(when(a)));
  const num = v => typeof v === 'number' ? L.fmt(v, 3) : '–';
  app.replaceChildren(L.table(['graph', 'model', 'transcoders', 'prompt', {label: 'tokens', num: true}, {label: 'nodes (pruned)', num: true},
    {label: 'replacement', num: true}, {label: 'completeness', num: true}, 'created'], sorted.map(x => [
    h('a', {href: '/graphs/' + encodeURIComponent(x.id), class: 'graph-link'}, x.id), x.model || '', x.transcoders || '', x.prompt || '',
    x.tokens === undefined ? '–' : String(x.tokens), set(x).prunedNodes === undefined ? '–' : String(set(x).prunedNodes),
    num(set(x).replacementScore), num(set(x).completenessScore), when(x)]),
  'Attribution graphs stored here, newest first'));
});
