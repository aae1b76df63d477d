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
  const when = x => String(x.createdAt || x.created || '');
  const sorted = items.slice().sort((a, b) => when(b).localeCompare(when(a)));
  const num = v => typeof v === 'number' ? L.fmt(v, 3) : '–';
  app.replaceChildren(L.table(['graph', 'model', 'prompt', {label: 'nodes', num: true}, {label: 'replacement', num: true},
    {label: 'completeness', num: true}, 'created'], sorted.map(x => [
    h('a', {href: '/graphs/' + encodeURIComponent(x.id), class: 'graph-link'}, x.id), x.model || x.scan || '', x.prompt || '',
    x.nodes === undefined ? '–' : String(x.nodes), num(x.replacementScore), num(x.completenessScore), when(x)]),
  'Attribution graphs stored here'));
});
