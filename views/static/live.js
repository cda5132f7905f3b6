/*
 * live.js — the live chapter page's small helpers. The stream itself is htmx's `hx-sse`
 * extension on #live (every message swaps `<hx-partial>`s by id); this file only:
 * - fetches an OPEN paragraph thread again when the stream says it changed (`live:threads`),
 *   through the thread's own URL, so its text passes the same checks as a click would;
 * - says so when the stream is refused or lost (the page keeps working as it is).
 * Served as a file (CSP-clean: no inline script, no eval). Without it nothing changes.
 */
(function () {
  'use strict';
  var live = document.getElementById('live');
  if (!live || !window.htmx) return;
  var status = document.getElementById('live-status');

  function say(text) {
    if (!status) return;
    status.textContent = text;
    if (text) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'button-small';
      button.textContent = live.getAttribute('data-reload') || 'Reload';
      button.addEventListener('click', function () {
        window.location.reload();
      });
      status.appendChild(document.createTextNode(' '));
      status.appendChild(button);
    }
  }

  live.addEventListener('live:open', function () {
    say('');
  });

  live.addEventListener('live:threads', function (event) {
    var paragraphId = String((event.detail && event.detail.data) || '');
    if (!/^\d+$/.test(paragraphId)) return;
    var box = document.getElementById('threads-' + paragraphId);
    if (!box || box.childElementCount === 0) return;
    var link = document.querySelector('#margin-summary-' + paragraphId + ' .comment-count');
    var url = link && link.getAttribute('hx-get');
    // X-Live-Refresh: skip the personal page cache, which may hold the thread as it was a
    // moment ago (others' changes otherwise show within PAGE_CACHE_STALE_MS).
    if (url) window.htmx.ajax('GET', url, { target: box, swap: 'innerHTML settle:0', headers: { 'X-Live-Refresh': '1' } });
  });

  // htmx started (deferred, before hx-sse.js registered): process the stream's element now
  // that the extension is there, which opens the stream.
  window.htmx.process(live);

  function lost() {
    say(live.getAttribute('data-lost') || '');
  }
  live.addEventListener('htmx:sse:error', lost);
  live.addEventListener('htmx:after:request', function (event) {
    var ctx = event.detail && event.detail.ctx;
    var code = ctx && ctx.response && ctx.response.status;
    if (code && code >= 400) lost();
  });
})();
