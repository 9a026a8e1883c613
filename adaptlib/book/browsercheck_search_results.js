// Runs in search.html?q=... (adaptlib.book.browsercheck._check_search): waits until the search
// has finished and reports how many results it found.
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
  return {finished: !!finished(), count: results().length,
          summary: (document.querySelector('#search-results') || {textContent: ''}).textContent.trim().slice(0, 200)};
}
