// Runs in search.html?q=... (adaptlib.book.browsercheck._check_search): waits until the search
// has finished and reports how many results it found, and the text of their snippets.
// Called by playwright's page.evaluate with {timeoutMs}; the file is one function expression.
async ({timeoutMs}) => {
  const deadline = Date.now() + timeoutMs;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const results = () => document.querySelectorAll('#search-results ul.search li');
  const finished = () => {
    const summary = document.querySelector('#search-results .search-summary, #search-results p');
    return summary && summary.textContent.trim().length > 0;
  };
  while (!finished() && Date.now() < deadline) await sleep(100);
  const snippets = () => [...document.querySelectorAll('#search-results ul.search li p.context')];
  // Snippets are filled in one by one after the list: wait until each result has its own, or
  // none came for a second (a result may have no snippet).
  for (let last = -1, quiet = 0; snippets().length < results().length && quiet < 10 && Date.now() < deadline; ) {
    await sleep(100);
    quiet = snippets().length === last ? quiet + 1 : 0;
    last = snippets().length;
  }
  return {finished: !!finished(), count: results().length,
          snippets: snippets().map(p => p.textContent),
          summary: (document.querySelector('#search-results') || {textContent: ''}).textContent.trim().slice(0, 200)};
}
