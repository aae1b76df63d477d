'use strict';
/* "/": models, collections, recent audits, a search box. */
L.page(async app => {
  const {h} = L;
  const search = h('form', {action: '/search', method: 'get', class: 'grid', role: 'search'},
    L.field('q', 'Search explanations', {type: 'search', placeholder: 'e.g. plural nouns', wide: true}),
    h('div', {}, h('button', {type: 'submit'}, 'Search')));
  const models = h('section', {'aria-labelledby': 'h-models'}, h('h2', {id: 'h-models'}, 'Models'));
  const collections = h('section', {'aria-labelledby': 'h-coll'}, h('h2', {id: 'h-coll'}, 'Collections'));
  const audits = h('section', {'aria-labelledby': 'h-audits'}, h('h2', {id: 'h-audits'}, 'Recent audits'));
  app.replaceChildren(search, models, collections, audits);

  const [m, c, a] = await Promise.allSettled([L.listModels(), L.api('GET', '/api/collections'), L.api('GET', '/api/audits')]);
  if (m.status === 'fulfilled') {
    models.append(L.table(['model', 'family', 'kind', {label: 'layers', num: true}, {label: 'd_model', num: true},
      {label: 'neurons / layer', num: true}, 'pages'], m.value.map(x => [h('a', {href: '/models/' + encodeURIComponent(x.id)}, x.id), x.family, x.encoder ? 'encoder' : 'decoder',
      x.layers, x.dModel, x.neuronsPerLayer,
      x.encoder ? h('a', {href: '/search?model=' + encodeURIComponent(x.id)}, 'search its features')
        : h('span', {}, h('a', {href: '/lens?model=' + encodeURIComponent(x.id)}, 'logit lens'), ' · ',
          h('a', {href: '/patchscopes?model=' + encodeURIComponent(x.id)}, 'Patchscopes'))])));
  } else models.append(L.errorBox(m.reason));
  if (c.status === 'fulfilled') {
    if (!c.value.length) collections.append(h('p', {class: 'muted'}, 'No collection yet: run ', h('code', {}, 'lantern collect'), ' or start an audit.'));
    else collections.append(L.table(['model', 'collection', 'kind', 'layers', {label: 'tokens', num: true}, 'first feature'],
      c.value.map(x => {
        const id = x.model + '/' + x.layers[0] + '/' + x.kind + '/0';
        return [x.model, x.name + (x.corpus && x.corpus !== x.name ? ' (' + x.corpus + ')' : ''), x.kind, x.layers.join(', '),
          x.tokens.toLocaleString('en'), h('a', {href: '/features/' + id}, id)];
      })));
  } else collections.append(L.errorBox(c.reason));
  if (a.status === 'fulfilled') {
    const recent = a.value.slice().sort((p, q) => String(q.startedAt).localeCompare(String(p.startedAt))).slice(0, 10);
    if (!recent.length) audits.append(h('p', {class: 'muted'}, 'No audit yet. ', h('a', {href: '/audits'}, 'Start one')));
    else audits.append(L.table(['audit', 'state', {label: 'done', num: true}, {label: 'failed', num: true}, {label: 'total', num: true}, 'started'],
      recent.map(x => [h('a', {href: '/audits/' + encodeURIComponent(x.id)}, x.id), x.state, x.done, x.failed, x.total, x.startedAt || ''])));
  } else audits.append(L.errorBox(a.reason));
});
