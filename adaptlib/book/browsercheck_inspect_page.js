// Runs in each page of the site once it has loaded (adaptlib.book.browsercheck._inspect):
// waits for images and MathJax, then reports images, math, raw TeX and references.
// Called by playwright's page.evaluate with {rawTex, timeoutMs}; the file is one function expression.
async ({rawTex, timeoutMs}) => {
  const deadline = Date.now() + timeoutMs;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map(img => img.complete ? null :
      new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r);
                         setTimeout(r, Math.max(0, deadline - Date.now())); })));
  const images = [...document.images].map(img => ({src: img.getAttribute('src') || '',
      ok: img.complete && img.naturalWidth > 0}));

  const mathNodes = [...document.querySelectorAll('.math')];
  let mathjax = 'none needed';
  if (mathNodes.length) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise) && Date.now() < deadline) await sleep(50);
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      await Promise.race([MathJax.startup.promise.then(() => 'done'), sleep(Math.max(0, deadline - Date.now()))]);
      mathjax = 'done';
    } else mathjax = 'not loaded';
  }
  const snippet = el => (el.getAttribute('id') ? '#' + el.getAttribute('id') + ' ' : '') +
      (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const untypeset = mathNodes.filter(el => !el.querySelector('mjx-container')).map(snippet);
  const mathErrors = [...document.querySelectorAll('mjx-merror')].map(el =>
      (el.getAttribute('data-mjx-error') || el.textContent || '').slice(0, 120));

  // Raw TeX left in text: walk the text nodes outside code, scripts and typeset math.
  const skip = 'script, style, pre, code, kbd, samp, textarea, noscript, template, mjx-container, .highlight';
  const rawTexRe = new RegExp(rawTex, 'g');
  const rawTexHits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    const text = node.nodeValue;
    const hits = [...text.matchAll(rawTexRe)];
    if (!hits.length) continue;
    const m = hits[0], from = Math.max(0, m.index - 40);
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more)` : '';
    rawTexHits.push(`"${m[0]}" in "${text.slice(from, m.index + 60).replace(/\s+/g, ' ').trim()}"${more}`);
    if (rawTexHits.length >= 20) break;
  }

  // References: equations, figures (numref), citations; each must lead to a target of its kind.
  const pages = new Map();
  const load = async url => {
    if (!pages.has(url)) pages.set(url, fetch(url).then(r => r.ok ? r.text() : null)
        .then(t => t === null ? null : new DOMParser().parseFromString(t, 'text/html')).catch(() => null));
    return pages.get(url);
  };
  const kindOf = a => {
    const hash = decodeURIComponent(new URL(a.href).hash.slice(1));
    if (a.closest('.bibtex-citation')) return 'citation';
    if (hash.startsWith('equation-')) return 'equation';
    const text = (a.textContent || '').trim();
    if (hash.startsWith('fig-') || (a.querySelector('.std-numref') && /^Fig/.test(text))) return 'figure';
    if (a.querySelector('.std-numref')) return 'numbered';  // an exercise, table, proof... by number
    return null;
  };
  const fits = {
    equation: el => el.classList.contains('math') || !!el.querySelector('.math'),
    figure: el => ['FIGURE', 'TABLE'].includes(el.tagName) || el.classList.contains('figure') ||
                  !!el.querySelector('figure, img, table'),
    citation: el => el.classList.contains('citation') || el.getAttribute('role') === 'doc-biblioentry',
    numbered: el => true,
  };
  const references = {equation: 0, figure: 0, citation: 0, numbered: 0};
  const badReferences = [];
  for (const a of document.querySelectorAll('article a.reference.internal, main a.reference.internal')) {
    const kind = kindOf(a);
    if (!kind) continue;
    const url = new URL(a.href);
    const id = decodeURIComponent(url.hash.slice(1));
    const label = `${kind} reference "${(a.textContent || '').trim().slice(0, 40)}" -> ${a.getAttribute('href')}`;
    if (!id) { badReferences.push(`${label}: no anchor`); continue; }
    const samePage = url.pathname === location.pathname;
    const doc = samePage ? document : await load(url.origin + url.pathname);
    if (!doc) { badReferences.push(`${label}: page not found`); continue; }
    const target = doc.getElementById(id);
    if (!target) { badReferences.push(`${label}: no element with id "${id}"`); continue; }
    if (!fits[kind](target)) { badReferences.push(`${label}: target <${target.tagName.toLowerCase()}> is not a ${kind}`); continue; }
    references[kind] += 1;
  }
  const unresolved = [...document.querySelectorAll('.xref')].filter(el => !el.closest('a'))
      .map(el => `unresolved cross-reference "${(el.textContent || '').trim().slice(0, 60)}"`);
  const noCitation = [...document.querySelectorAll('.bibtex-citation')].filter(el => !el.querySelector('a'))
      .map(el => `unresolved citation "${(el.textContent || '').trim().slice(0, 60)}"`);
  return {images, mathCount: mathNodes.length, mathjax, untypeset, mathErrors, rawTexHits,
          references, badReferences: [...badReferences, ...unresolved, ...noCitation]};
}
