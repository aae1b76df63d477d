// Basic accessibility checks run in the page by WebViewerBrowserTest: labelled form controls, named buttons and links,
// one h1 and a main landmark, html lang, and WCAG AA text contrast (4.5:1) of visible text, backgrounds composited.
const problems = [];
const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
const name = el => (el.getAttribute('aria-label') || el.textContent || el.title || '').trim();
if (!document.documentElement.lang) problems.push('html has no lang');
if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one main landmark');
if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden') continue;
  if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) {
    problems.push('unlabelled control #' + el.id + ' name=' + el.name);
  }
}
for (const el of document.querySelectorAll('button, a[href]')) {
  if (visible(el) && !name(el)) problems.push('nameless ' + el.tagName + ' ' + el.outerHTML.slice(0, 80));
}
const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return [0, 0, 0, 0]; const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
const background = el => {
  const layers = [];
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
};
const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
let checked = 0;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!el || seen.has(el) || !n.textContent.trim() || !visible(el) || el.closest('button:disabled, option, script, style, .u-legend')) continue;
  seen.add(el);
  const fg = over(parse(getComputedStyle(el).color), background(el));
  const r = ratio(fg, background(el));
  checked++;
  if (r < 4.5) problems.push('contrast ' + r.toFixed(2) + ' for "' + n.textContent.trim().slice(0, 30) + '" in ' + el.tagName + '.' + el.className);
}
return {problems: problems.slice(0, 20), checked};
