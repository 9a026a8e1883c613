// Search result snippets without raw LaTeX (added to every page by adaptlib.book.sphinx_site).
// Sphinx's search shows a page's text around the query, taken from the page's HTML before
// MathJax runs, so formulas would appear as "\(R_{\text{oracle}}\)". This wraps the search's
// htmlToText: inline formulas become plain text ("R_oracle"), displayed equations are left out.
document.addEventListener('DOMContentLoaded', () => {
  if (typeof Search === 'undefined' || !Search.htmlToText) return;
  const original = Search.htmlToText;
  const plain = tex => tex
    .replace(/\\[()[\]]/g, '')
    .replace(/\\(?:text|mathrm|mathbf|mathit|operatorname|boldsymbol)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\[A-Za-z]+/g, ' ')
    .replace(/[{}$]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, 'text/html');
    page.querySelectorAll('div.math').forEach(el => el.remove());
    page.querySelectorAll('span.math').forEach(el => el.replaceWith(plain(el.textContent || '')));
    return original(page.documentElement.outerHTML, anchor);
  };
});
