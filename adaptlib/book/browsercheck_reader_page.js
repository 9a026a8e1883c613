// Runs in each page after browsercheck_inspect_page.js (adaptlib.book.browsercheck._inspect_reader):
// what a reader meets at the current viewport. Called with {maxCodeLines, chapter, wideCheck};
// the file is one function expression.
({maxCodeLines, chapter, wideCheck}) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const column = article.getBoundingClientRect();
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
  const text = el => (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
  const shown = el => !!(el.offsetParent || el.getClientRects().length) && !el.closest('details:not([open])');
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);

  // 1. Nothing wider than the column, unless inside a box that scrolls and itself fits.
  const overflow = [];
  const reported = new Set();
  for (const el of article.querySelectorAll('*')) {
    if (!shown(el) || [...reported].some(r => r.contains(el))) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= column.right + 1) continue;
    let holder = el.parentElement, contained = false;
    for (; holder && holder !== article; holder = holder.parentElement) {
      if (scrolls(holder) && holder.getBoundingClientRect().right <= column.right + 1) { contained = true; break; }
    }
    if (contained) continue;
    if (scrolls(el) && el.scrollWidth > el.clientWidth) {  // a scroll box too wide for the column
      overflow.push(`${name(el)} is ${Math.round(box.width)} px wide in a ${Math.round(column.width)} px column`);
    } else {
      overflow.push(`${name(el)} ("${text(el)}") runs ${Math.round(box.right - column.right)} px past the column`);
    }
    reported.add(el);
    if (overflow.length >= 15) break;
  }
  // Displayed equations: none needs its scroll bar at the wide viewport.
  if (wideCheck) {
    for (const el of article.querySelectorAll('mjx-container[display="true"]')) {
      const holder = el.closest('div.math-wrapper, div.math') || el;
      const target = [el, holder].find(h => h.scrollWidth > h.clientWidth + 1);
      if (target && shown(el)) overflow.push(`equation "${text(el.closest('.math') || el)}" is wider than the column (${target.scrollWidth} > ${target.clientWidth} px)`);
    }
  }

  // 2. Plumbing: no glue call and no long code cell shown by default.
  const plumbing = [];
  let codeLines = 0;
  for (const cell of article.querySelectorAll('div.cell_input, div.cell .cell_input')) {
    if (!shown(cell)) continue;
    const source = (cell.querySelector('pre') || cell).innerText.replace(/\n+$/, '');
    const lines = source ? source.split('\n').length : 0;
    codeLines += lines;
    if (/\bglue\(/.test(source)) plumbing.push(`visible glue( call in the cell "${source.split('\n')[0].slice(0, 60)}"`);
    if (lines > maxCodeLines) plumbing.push(`code cell of ${lines} lines shown (at most ${maxCodeLines}): "${source.split('\n')[0].slice(0, 60)}"`);
  }

  // 3. A chapter opens with the paper-says/book-finds box and ends with a Summary.
  const structure = [];
  if (chapter) {
    const box = article.querySelector('.admonition.paper-vs-book');
    const headings = [...article.querySelectorAll('section > h2')];
    if (!box) structure.push('no opening box ("The paper says, the book finds", class paper-vs-book)');
    else if (headings.length && (box.compareDocumentPosition(headings[0]) & Node.DOCUMENT_POSITION_PRECEDING))
      structure.push('the opening box comes after the first section');
    const title = h => (h.textContent || '').replace(/#$/, '').replace(/^[\d.\s]+/, '').trim();
    const last = headings.length ? title(headings[headings.length - 1]) : null;
    if (last !== 'Summary') structure.push(`the last section is ${last === null ? 'missing' : '"' + last + '"'}, not "Summary"`);
  }

  // 4. Figures: every PNG has at least twice the pixels of its displayed width.
  const figures = [];
  let pngs = 0;
  for (const img of article.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (!/\.png($|\?)/i.test(src) || !shown(img) || !img.naturalWidth) continue;
    pngs += 1;
    const displayed = img.getBoundingClientRect().width;
    if (img.naturalWidth < 2 * displayed - 1)
      figures.push(`${src.split('/').pop()}: ${img.naturalWidth} px shown at ${Math.round(displayed)} px (needs 2x)`);
  }
  return {overflow, plumbing, structure, figures, codeLines, pngs, columnWidth: Math.round(column.width)};
}
