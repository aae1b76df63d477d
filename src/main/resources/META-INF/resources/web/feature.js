'use strict';
/* "/features/{id}": statistics, histogram, windows, explanations (+ Explain), decoder vocabulary, try your own text. */
L.page(async app => {
  const {h} = L;
  const id = decodeURIComponent(location.pathname.slice('/features/'.length)).replace(/\/+$/, '');
  const f = await L.api('GET', '/api/features/' + id.split('/').map(encodeURIComponent).join('/'));
  document.getElementById('title').textContent = f.id;
  document.title = f.id + ' · Lantern';
  const max = f.stats.max > 0 ? f.stats.max : 1;

  const levels = f.stats.quantileLevels || [];
  const qs = f.stats.quantiles || [];
  const stats = L.table(['statistic', {label: 'value', num: true}], [
    ['model / layer / kind / index', f.model + ' / ' + f.layer + ' / ' + f.kind + ' / ' + f.index],
    ['max', L.fmt(f.stats.max)], ['mean', L.fmt(f.stats.mean, 4)], ['fraction > 0', L.fmt(f.stats.fractionNonZero)],
    ['tokens seen', Number(f.stats.tokens).toLocaleString('en')],
    ...levels.map((l, i) => ['p' + (l * 100).toString().replace(/\.0+$/, ''), L.fmt(qs[i])])]);

  const chart = h('div', {id: 'histogram', role: 'img', 'aria-label': 'Histogram of activations over the random windows, with quantile markers'});
  const statsSection = h('section', {'aria-labelledby': 'h-stats'}, h('h2', {id: 'h-stats'}, 'Statistics'),
    h('div', {class: 'row'}, h('div', {}, stats), h('div', {}, chart,
      h('p', {class: 'muted', id: 'hist-note'}))));

  const explList = h('div', {id: 'explanations'});
  const explStatus = h('div', {role: 'status', 'aria-live': 'polite', id: 'explain-status'});
  const explainForm = h('form', {class: 'grid', id: 'explain-form'},
    L.field('explainer', 'Explainer', {}, [['statistical', 'statistical (offline)'], ['llm', 'LLM (when configured)']]),
    h('div', {}, h('label', {for: 'causal'}, h('input', {type: 'checkbox', id: 'causal', name: 'causal', checked: true}), ' causal check')),
    h('div', {}, h('button', {type: 'submit', id: 'explain'}, 'Explain')));
  const explSection = h('section', {'aria-labelledby': 'h-expl'}, h('h2', {id: 'h-expl'}, 'Explanations'), explainForm, explStatus, explList);

  const tryText = h('textarea', {id: 'try-text', name: 'text', rows: 3, placeholder: 'Type a sentence…'});
  const tryOut = h('div', {id: 'try-out', 'aria-live': 'polite'});
  const trySection = h('section', {'aria-labelledby': 'h-try'}, h('h2', {id: 'h-try'}, 'Try your own text'),
    h('label', {for: 'try-text'}, 'Text (the feature\'s activation at each token is shown as you type)'), tryText, tryOut);

  const windows = list => list.map(w => {
    const wmax = Math.max(...w.activations);
    return h('div', {class: 'window'}, h('span', {class: 'val', title: 'window maximum'}, L.fmt(wmax, 2)), ' ', L.tokens(w.tokens, w.activations, max));
  });
  const topSection = h('section', {'aria-labelledby': 'h-top'}, h('h2', {id: 'h-top'}, 'Top windows (' + f.top.length + ')'),
    L.showValuesToggle(app), h('div', {id: 'top-windows'}, windows(f.top.slice(0, 10))),
    f.top.length > 10 ? h('details', {}, h('summary', {}, 'the other ' + (f.top.length - 10)), windows(f.top.slice(10))) : null);
  const randomSection = h('section', {'aria-labelledby': 'h-random'}, h('h2', {id: 'h-random'}, 'Random and quantile windows'),
    h('details', {}, h('summary', {}, 'random windows (' + f.random.length + ')'), windows(f.random)),
    (f.quantiles || []).map((bin, i) => bin.length ? h('details', {}, h('summary', {}, 'quantile bin ' + (i + 1) + ' (' + bin.length + ')'), windows(bin)) : null));

  const neighbours = [];
  for (let d = -3; d <= 3; d++) {
    const n = f.index + d;
    if (d !== 0 && n >= 0) neighbours.push(h('a', {href: '/features/' + f.model + '/' + f.layer + '/' + f.kind + '/' + n}, String(n)), ' ');
  }
  const nbSection = h('section', {'aria-labelledby': 'h-nb'}, h('h2', {id: 'h-nb'}, 'Neighbouring features of layer ' + f.layer), h('p', {}, neighbours));

  app.replaceChildren(...[statsSection, vocabSection(f), explSection, trySection, topSection, randomSection, nbSection].filter(Boolean));

  histogram(f, chart, document.getElementById('hist-note'));
  renderExplanations(f.explanations || [], explList);

  explainForm.addEventListener('submit', async e => {
    e.preventDefault();
    const button = document.getElementById('explain');
    button.disabled = true;
    const started = performance.now();
    const bar = h('progress', {'aria-label': 'explaining'});
    const text = h('span', {}, 'Explaining…');
    explStatus.replaceChildren(bar, text);
    const tick = setInterval(() => { text.textContent = 'Explaining… ' + ((performance.now() - started) / 1000).toFixed(0) + ' s'; }, 500);
    try {
      const v = L.formValues(explainForm);
      const ex = await L.api('POST', '/api/features/' + f.id + '/explain', {explainer: v.explainer, causal: v.causal === 'true'});
      explStatus.replaceChildren(h('span', {}, 'New explanation in ' + ((performance.now() - started) / 1000).toFixed(1) + ' s.'));
      explList.prepend(explanation(ex, true));
      explList.querySelector('.empty')?.remove();
    } catch (err) {
      explStatus.replaceChildren(L.errorBox(err, 'Explain failed'));
    } finally {
      clearInterval(tick);
      button.disabled = false;
    }
  });

  let timer = null, seq = 0;
  const run = async () => {
    const text = tryText.value;
    L.setParams({text});
    if (!text.trim()) { tryOut.replaceChildren(); return; }
    const mine = ++seq;
    try {
      const r = await L.api('POST', '/api/models/' + encodeURIComponent(f.model) + '/activations', {text, features: [f.id]});
      if (mine !== seq) return;
      const acts = r.activations[f.id];
      const top = Math.max(max, ...acts);
      tryOut.replaceChildren(h('div', {class: 'window', id: 'try-window'}, h('span', {class: 'val', title: 'maximum'}, L.fmt(Math.max(...acts), 2)), ' ',
        L.tokens(r.tokens, acts, top)));
    } catch (err) {
      if (mine === seq) tryOut.replaceChildren(L.errorBox(err));
    }
  };
  tryText.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  const initial = L.params().get('text');
  if (initial) { tryText.value = initial; run(); }
  performance.mark('lantern-rendered');
});

function vocabSection(f) {
  const {h} = L;
  const v = f.vocab;
  if (!v || (!v.promoted && !v.suppressed)) return null;
  const list = (items) => L.table(['token', {label: 'logit', num: true}], (items || []).map(t => [h('code', {}, t.token), L.fmt(t.logit)]));
  return h('section', {'aria-labelledby': 'h-vocab', id: 'vocab'}, h('h2', {id: 'h-vocab'}, 'Vocabulary (decoder direction through the unembedding)'),
    h('div', {class: 'row'}, h('div', {}, h('h3', {}, 'Promoted'), list(v.promoted)), h('div', {}, h('h3', {}, 'Suppressed'), list(v.suppressed))));
}

function explanation(e, fresh) {
  const {h} = L;
  const s = e.scores || {};
  // the causal check is {score, ci95, topTexts, randomTexts, ...}: shown as a score with its interval over the texts
  const causal = s.causal && typeof s.causal === 'object' && 'score' in s.causal && !('value' in s.causal)
    ? {value: s.causal.score, ci95: s.causal.ci95 || null, n: (s.causal.topTexts || 0) + (s.causal.randomTexts || 0)} : s.causal;
  return h('article', {class: 'explanation' + (fresh ? ' fresh' : '')},
    h('div', {class: 'text'}, e.text),
    h('div', {}, L.badge('simulation', s.simulation), L.badge('detection', s.detection), L.badge('embedding', s.embedding), L.badge('causal', causal),
      s.fuzzing ? L.badge('fuzzing', s.fuzzing) : null, s.intruder ? L.badge('intruder', s.intruder) : null,
      e.output ? L.badge('output', {value: e.output.score ?? null, ci95: null, n: e.output.randomUnits}) : null),
    outputLine(e.output),
    h('div', {class: 'muted'}, e.explainer + ' explainer · simulator ' + (s.simulator || '–') + (s.detector ? ' · detector ' + s.detector : '')
      + (s.embedder ? ' · embedder ' + s.embedder : '') + ' · ' + (s.nHeldOutTop ?? '?') + ' held-out top + ' + (s.nRandom ?? '?') + ' random windows'
      + (e.createdAt ? ' · ' + e.createdAt : '')));
}

/** A decoder feature's measured output side: the probability its promoted tokens gain when amplified, vs random units. */
function outputLine(o) {
  if (!o) return null;
  const {h} = L;
  const pct = (x) => (x >= 0 ? '+' : '') + (100 * x).toFixed(2) + ' pp';
  if (o.gain === null || o.gain === undefined) return h('div', {class: 'muted output'}, 'output side: n/a (' + o.reason + ')');
  const per = (o.candidates || []).slice(0, 5).map(c => "'" + c.token + "' " + pct(c.gain)).join(', ');
  return h('div', {class: 'muted output'}, 'output side: amplified by ' + L.fmt(o.amplification, 3) + ' on ' + o.texts
    + ' random windows, its promoted tokens gain ' + pct(o.gain) + ' in probability; ' + o.randomUnits + ' random units of the same write norm '
    + pct(o.randomGain) + ' on average (at most ' + pct(o.randomMax) + '). Per token: ' + per + '. '
    + (o.promotes && o.promotes.length ? 'The label names ' + o.promotes.map(t => "'" + t + "'").join(', ') + '.' : 'The label names none: ' + o.reason + '.'));
}

function renderExplanations(list, into) {
  if (!list.length) {
    into.replaceChildren(L.h('p', {class: 'muted empty'}, 'Not explained yet: press Explain.'));
    return;
  }
  const shown = list.slice(0, 3).map(e => explanation(e));
  const older = list.slice(3);
  into.replaceChildren(...shown, ...(older.length ? [L.h('details', {}, L.h('summary', {}, older.length + ' older explanation' + (older.length > 1 ? 's' : '')),
    ...older.map(e => explanation(e)))] : []));
}

function histogram(f, el, note) {
  const acts = f.random.flatMap(w => w.activations);
  if (!acts.length) { note.textContent = 'No random windows to draw a histogram from.'; return; }
  const lo = Math.min(...acts), hi = Math.max(...acts, lo + 1e-6);
  const bins = 40, width = (hi - lo) / bins;
  const xs = [], ys = new Array(bins).fill(0);
  for (let i = 0; i < bins; i++) xs.push(lo + (i + 0.5) * width);
  for (const a of acts) ys[Math.min(bins - 1, Math.floor((a - lo) / width))]++;
  note.textContent = 'Activations of ' + acts.length + ' tokens in ' + f.random.length + ' random windows (40 bins, log count); dashed lines: '
    + (f.stats.quantileLevels || []).map((l, i) => 'p' + (l * 100) + ' ' + L.fmt(f.stats.quantiles[i], 3)).join(', ') + '.';
  if (!window.uPlot) return;
  const qs = (f.stats.quantiles || []).map((q, i) => [q, 'p' + (f.stats.quantileLevels[i] * 100)]);
  const opts = {
    width: Math.min(560, el.parentElement.clientWidth || 560), height: 220,
    scales: {x: {time: false}, y: {distr: 3}},
    legend: {show: false},
    axes: [{label: 'activation'}, {label: 'tokens'}],
    series: [{}, {label: 'tokens', fill: 'rgba(11, 87, 164, 0.5)', stroke: '#0b57a4', paths: uPlot.paths.bars({size: [1, Infinity]}), points: {show: false}}],
    hooks: {draw: [u => {
      const ctx = u.ctx;
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = '#b34700';
      ctx.fillStyle = '#6b2b00';
      ctx.font = (11 * devicePixelRatio) + 'px sans-serif';
      for (const [q, label] of qs) {
        if (q < u.scales.x.min || q > u.scales.x.max) continue;
        const x = Math.round(u.valToPos(q, 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText(label, x + 3, u.bbox.top + 12 * devicePixelRatio);
      }
      ctx.restore();
    }]},
  };
  new uPlot(opts, [xs, ys.map(c => c || null)], el);
}
