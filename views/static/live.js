/*
 * live.js — the live chapter page's small helpers. The stream itself is htmx's `hx-sse`
 * extension on #live (every message swaps `<hx-partial>`s by id); this file only:
 * - fetches an OPEN paragraph thread again when the stream says it changed (`live:threads`),
 *   through the thread's own URL, so its text passes the same checks as a click would;
 * - says so when the stream is refused or lost (the page keeps working as it is);
 * - keeps the reader's place through every swap: a part the reader is typing in (a comment
 *   being written, a poll choice not yet sent) is not replaced at all, and the element that has
 *   keyboard focus inside a replaced part gets focus back in its new copy (a part whose new copy
 *   has no such element, say a confirmation that just got focus, is not replaced either).
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
    if (!url || typingIn(box)) return;
    // Sourced from the stream, so swap-focus.js leaves focus alone.
    var refresh = function () {
      window.htmx.ajax('GET', url, { source: live, target: box, swap: 'innerHTML settle:0', headers: { 'X-Live-Refresh': '1' } });
    };
    var active = document.activeElement;
    if (!active || active === document.body || !box.contains(active)) return refresh();
    // The reader is in this thread (on the reply they just posted, say): replacing it now would
    // take their focus away, so it is refreshed once, when they leave it.
    if (box.getAttribute('data-live-stale') === 'yes') return;
    box.setAttribute('data-live-stale', 'yes');
    box.addEventListener('focusout', function leave(e) {
      if (e.relatedTarget && box.contains(e.relatedTarget)) return;
      box.removeEventListener('focusout', leave);
      box.removeAttribute('data-live-stale');
      if (!typingIn(box)) refresh();
    });
  });

  /** Something the reader has entered in `box` and not sent (a draft, a choice), or is typing in. */
  function typingIn(box) {
    var active = document.activeElement;
    if (active && box.contains(active) && /^(TEXTAREA|INPUT|SELECT)$/.test(active.tagName)) return true;
    var fields = box.querySelectorAll('textarea, input, select');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === 'hidden' || field.type === 'submit') continue;
      if (field.tagName === 'SELECT') {
        for (var j = 0; j < field.options.length; j++) if (field.options[j].selected !== field.options[j].defaultSelected) return true;
      } else if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.value !== field.defaultValue) return true;
    }
    return false;
  }

  /** How to find `el` again inside a fresh copy of `box` (by id, else by its class and link). */
  function findAgain(el) {
    if (el.id) return '#' + CSS.escape(el.id);
    var selector = el.tagName.toLowerCase();
    if (el.classList.length) selector += '.' + CSS.escape(el.classList[0]);
    var href = el.getAttribute('href');
    if (href) selector += '[href="' + CSS.escape(href) + '"]';
    return selector;
  }

  var refocus = null;
  live.addEventListener('htmx:before:swap', function (event) {
    var tasks = event.detail && event.detail.tasks;
    if (!tasks) return;
    var active = document.activeElement;
    refocus = null;
    for (var i = tasks.length - 1; i >= 0; i--) {
      var box = tasks[i].target;
      if (!box || box === document.body || !box.contains) continue;
      if (typingIn(box)) {
        tasks.splice(i, 1);
        continue;
      }
      if (active && active !== document.body && box.contains(active)) {
        var selector = findAgain(active);
        var fragment = tasks[i].fragment;
        // The focused element must be in the new copy too (a count's link, a button); when it
        // is not (a confirmation just said, a form the news removes), the part stays as it is.
        if (box !== active && !(fragment && fragment.querySelector && fragment.querySelector(selector))) {
          tasks.splice(i, 1);
          continue;
        }
        // swap-focus.js makes a landed-on comment focusable with tabindex="-1"; its new copy
        // has no tabindex, so it gets the same, or focus() would do nothing.
        refocus = { box: box.id, replaced: box === active, selector: selector, tabindex: active.getAttribute('tabindex') };
      }
    }
  });
  live.addEventListener('htmx:after:swap', function () {
    if (!refocus) return;
    var box = document.getElementById(refocus.box);
    var again = box && (refocus.replaced ? box : box.querySelector(refocus.selector));
    var tabindex = refocus.tabindex;
    refocus = null;
    if (!again || again === document.activeElement) return;
    if (tabindex !== null && !again.hasAttribute('tabindex')) again.setAttribute('tabindex', tabindex);
    again.focus({ preventScroll: true });
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
