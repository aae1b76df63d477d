'use strict';
/*
 * "/graphs/{id}": one attribution graph (circuit-tracer's JSON: metadata, qParams, nodes, links), pruned, drawn by
 * layer (rows: embeddings at the bottom, logits at the top) and token position (columns). Nodes carry their
 * explanation (clerp); edge width follows |weight|; a feature node links to its feature page. A table lists the
 * same nodes for keyboards and screen readers.
 */
/** The graph drawing, shared with tests through window.LG. */
window.LG = (function () {
  const {h} = L;
  const SVG = 'http://www.w3.org/2000/svg';
  const COL = 130, ROW = 64, PAD = 70;

  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const isFeature = n => n.feature_type === 'cross layer transcoder' || n.feature_type === 'transcoder';
  const isLogit = n => n.feature_type === 'logit';
  const isEmbedding = n => n.feature_type === 'embedding';
  const isError = n => /error/.test(n.feature_type || '');

  /** Row of a node: embeddings first, then the model's layers, logits last. */
  function rowOf(n) {
    if (isEmbedding(n)) return -1;
    return Number(n.layer);
  }

  /** What a node says: its clerp, else what it is. */
  function label(g, n) {
    if (n.clerp) return n.clerp;
    const tokens = (g.metadata && g.metadata.prompt_tokens) || [];
    if (isEmbedding(n)) return 'Emb: "' + (tokens[n.ctx_idx] !== undefined ? tokens[n.ctx_idx] : '?') + '"';
    if (isError(n)) return 'MLP error L' + n.layer;
    if (isFeature(n)) return 'L' + n.layer + ' #' + featureIndex(n);
    return n.node_id;
  }

  /** A feature node's index inside its layer (node ids are "{layer}_{index}_{position}"). */
  function featureIndex(n) {
    const parts = String(n.node_id).split('_');
    return parts.length === 3 ? Number(parts[1]) : n.feature;
  }

  /**
   * The feature page of a feature node: its own featureId when the graph gives one, else
   * {model}/{layer}/{kind}/{index} from the metadata (Lantern's graphs name model and transcoder set under
   * metadata.lantern; the kind is metadata.lantern.feature_kind, else "tc-" + the set's name).
   */
  function featureHref(g, n) {
    if (!isFeature(n)) return null;
    if (n.featureId) return '/features/' + n.featureId;
    const m = g.metadata || {};
    const ours = m.lantern || {};
    const model = ours.model || m.model;
    const kind = ours.feature_kind || (ours.transcoders ? 'tc-' + ours.transcoders : null);
    if (!model || !kind) return null;
    return '/features/' + encodeURIComponent(model) + '/' + n.layer + '/' + encodeURIComponent(kind) + '/' + featureIndex(n);
  }

  function short(text, chars) {
    return text.length <= chars ? text : text.slice(0, Math.max(1, chars - 1)) + '…';
  }

  /** Node positions: one column per token, one row per layer, the nodes of a cell side by side. */
  function layout(g) {
    const rows = [...new Set(g.nodes.map(rowOf))].sort((a, b) => a - b);
    const rowIndex = new Map(rows.map((r, i) => [r, i]));
    const positions = Math.max(((g.metadata && g.metadata.prompt_tokens) || []).length,
      ...g.nodes.map(n => n.ctx_idx + 1));
    const cells = new Map();
    for (const n of g.nodes) {
      const key = rowOf(n) + ':' + n.ctx_idx;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(n);
    }
    const at = new Map();
    const height = PAD * 2 + (rows.length - 1) * ROW;
    for (const list of cells.values()) {
      list.sort((a, b) => (b.influence || 0) - (a.influence || 0) || String(a.node_id).localeCompare(String(b.node_id)));
      const slot = (COL - 16) / list.length;
      list.forEach((n, i) => at.set(n.node_id, {
        x: PAD + n.ctx_idx * COL + 8 + slot * (i + 0.5),
        y: height - PAD - rowIndex.get(rowOf(n)) * ROW,
        slot}));
    }
    return {rows, rowIndex, positions, at, width: PAD * 2 + positions * COL, height};
  }

  function draw(g) {
    const lay = layout(g);
    const svg = s('svg', {id: 'graph-svg', width: lay.width, height: lay.height, viewBox: '0 0 ' + lay.width + ' ' + lay.height,
      role: 'img', 'aria-label': 'Attribution graph: ' + g.nodes.length + ' nodes and ' + g.links.length + ' edges by layer and token position'});
    // row labels and column tokens
    for (const r of lay.rows) {
      const y = lay.height - PAD - lay.rowIndex.get(r) * ROW;
      const name = r === -1 ? 'Emb' : g.nodes.some(n => isLogit(n) && rowOf(n) === r) ? 'Logit' : 'L' + r;
      svg.append(s('line', {x1: PAD - 10, x2: lay.width - 10, y1: y, y2: y, class: 'grid-line'}));
      svg.append(s('text', {x: 8, y: y + 4, class: 'row-label'}, name));
    }
    const tokens = (g.metadata && g.metadata.prompt_tokens) || [];
    for (let p = 0; p < lay.positions; p++) {
      svg.append(s('text', {x: PAD + p * COL + COL / 2, y: lay.height - 12, class: 'col-label', 'text-anchor': 'middle'},
        short(tokens[p] !== undefined ? tokens[p] : String(p), 16)));
    }
    // edges under the nodes; width by |weight| relative to the largest
    const max = Math.max(1e-12, ...g.links.map(l => Math.abs(l.weight)));
    const edges = s('g', {class: 'edges'});
    for (const l of g.links) {
      const a = lay.at.get(l.source), b = lay.at.get(l.target);
      if (!a || !b) continue;
      const w = 0.4 + 5.6 * Math.abs(l.weight) / max;
      const mid = (a.y + b.y) / 2;
      edges.append(s('path', {d: 'M' + a.x + ',' + a.y + ' C' + a.x + ',' + mid + ' ' + b.x + ',' + mid + ' ' + b.x + ',' + b.y,
        class: 'edge ' + (l.weight >= 0 ? 'pos' : 'neg'), 'stroke-width': w.toFixed(2), 'data-source': l.source,
        'data-target': l.target, 'data-weight': l.weight},
        s('title', {}, l.source + ' → ' + l.target + ': ' + L.fmt(l.weight, 4))));
    }
    svg.append(edges);
    const nodes = s('g', {class: 'nodes'});
    for (const n of g.nodes) {
      const p = lay.at.get(n.node_id);
      const text = label(g, n);
      const kind = isFeature(n) ? 'feature' : isLogit(n) ? 'logit' : isEmbedding(n) ? 'embedding' : isError(n) ? 'error' : 'other';
      const shape = kind === 'feature' ? s('circle', {cx: p.x, cy: p.y, r: 7})
        : kind === 'error' ? s('rect', {x: p.x - 6, y: p.y - 6, width: 12, height: 12})
          : s('rect', {x: p.x - 9, y: p.y - 6, width: 18, height: 12, rx: 3});
      const caption = s('text', {x: p.x, y: p.y + 19, 'text-anchor': 'middle', class: 'node-label'},
        short(text, Math.max(3, Math.floor(p.slot / 6))));
      const group = s('g', {class: 'node ' + kind, 'data-node': n.node_id}, shape, caption, s('title', {}, text + ' (' + n.node_id + ')'));
      const href = featureHref(g, n);
      nodes.append(href ? s('a', {href, 'aria-label': text + ' (feature ' + n.node_id + ')', class: 'node-link'}, group) : group);
    }
    svg.append(nodes);
    return svg;
  }

  function summary(g) {
    const m = g.metadata || {};
    const ours = m.lantern || {};
    const facts = [];
    if (m.prompt !== undefined) facts.push(h('p', {}, 'Prompt: ', h('q', {}, m.prompt)));
    const rows = [['model', ours.model || m.scan], ['transcoders', ours.transcoders]].filter(([, v]) => v);
    for (const [k, v] of Object.entries(m).concat(Object.entries(ours))) {
      if (typeof v === 'number') rows.push([k.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(), Number.isInteger(v) ? String(v) : L.fmt(v, 3)]);
    }
    facts.push(L.table(['', 'value'], rows.map(([k, v]) => [k, String(v)]), 'What the graph was built from and how well it covers the model'));
    const counts = {};
    for (const n of g.nodes) counts[n.feature_type] = (counts[n.feature_type] || 0) + 1;
    facts.push(h('p', {class: 'muted', id: 'graph-counts'}, g.nodes.length + ' nodes (' + Object.entries(counts).map(([k, v]) => v + ' ' + k).join(', ')
      + '), ' + g.links.length + ' edges. Edge width: |weight|; orange adds, blue subtracts. Click a feature to open its page.'));
    return facts;
  }

  function nodeTable(g) {
    const sorted = g.nodes.slice().sort((a, b) => rowOf(a) - rowOf(b) || a.ctx_idx - b.ctx_idx);
    return L.table(['node', 'type', 'layer', {label: 'position', num: true}, 'explanation', {label: 'activation', num: true}, {label: 'influence', num: true}],
      sorted.map(n => {
        const href = featureHref(g, n);
        return [href ? h('a', {href}, n.node_id) : n.node_id, n.feature_type, n.layer, n.ctx_idx, label(g, n),
          n.activation === null || n.activation === undefined ? '–' : L.fmt(n.activation, 3),
          n.influence === null || n.influence === undefined ? '–' : L.fmt(n.influence, 3)];
      }), 'Every node of the pruned graph');
  }

  function render(g) {
    if (!g || !Array.isArray(g.nodes) || !Array.isArray(g.links)) throw new Error('not a graph: expected metadata, nodes and links');
    return [h('section', {'aria-labelledby': 'h-about'}, h('h2', {id: 'h-about'}, 'Graph'), ...summary(g)),
      h('section', {'aria-labelledby': 'h-draw'}, h('h2', {id: 'h-draw'}, 'Drawn by layer and position'),
        h('div', {class: 'graph-scroll', id: 'graph'}, draw(g))),
      h('section', {'aria-labelledby': 'h-nodes'}, h('h2', {id: 'h-nodes'}, 'Nodes'), nodeTable(g))];
  }

  return {render, layout, label, featureHref};
})();

L.page(async app => {
  const {h} = L;
  document.head.append(h('link', {rel: 'stylesheet', href: '/web/circuits.css'}));
  const id = decodeURIComponent(location.pathname.replace(/^\/graphs\//, ''));
  const g = await L.api('GET', '/api/graphs/' + encodeURIComponent(id));
  app.replaceChildren(...LG.render(g));
});
