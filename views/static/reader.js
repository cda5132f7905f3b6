/*
 * reader.js — the library reader's small conveniences. The page works without it.
 *
 * Served as a file (CSP-clean: no inline script, no eval, nothing global but this IIFE).
 *
 * 1. Keyboard navigation between paragraphs:
 *      j  or  Alt+ArrowDown   next paragraph
 *      k  or  Alt+ArrowUp     previous paragraph
 *    (ignored while typing in a field, and with Ctrl/Meta held so browser shortcuts keep
 *    working). Focus moves to the `.para` element, which scrolls it into view, and the URL's
 *    hash becomes its anchor (`#p-12`) without adding a history entry, so the address can be
 *    copied and shared.
 * 2. Remembering the reader's place: when `[data-reader]` has `data-bookmark-url` (signed-in
 *    readers), the first paragraph visible at the top of the window is posted there at most
 *    once every 5 seconds, and once more when the page is hidden. `X-Requested-With: fetch`
 *    asks the server for a bare 204 instead of a redirect.
 */
(function () {
  'use strict';

  var reader = document.querySelector('[data-reader]');
  if (!reader) return;
  var paragraphs = Array.prototype.slice.call(reader.querySelectorAll('.para'));
  if (paragraphs.length === 0) return;

  // ---- keyboard navigation

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
  }

  /** The paragraph navigation starts from: the focused one, else the one at the top of the window. */
  function currentIndex() {
    var active = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.para') : null;
    if (active) {
      var i = paragraphs.indexOf(active);
      if (i >= 0) return i;
    }
    return topVisibleIndex();
  }

  function topVisibleIndex() {
    for (var i = 0; i < paragraphs.length; i++) {
      if (paragraphs[i].getBoundingClientRect().bottom > 8) return i;
    }
    return paragraphs.length - 1;
  }

  function focusParagraph(index) {
    var target = paragraphs[Math.max(0, Math.min(paragraphs.length - 1, index))];
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'start', behavior: 'smooth' });
    if (history.replaceState) history.replaceState(null, '', '#' + target.id);
    // Only where there is a place to remember (signed in, the library reader).
    if (url && chapter) scheduleBookmark(target);
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    var step = 0;
    if (!event.altKey && !event.shiftKey && (event.key === 'j' || event.key === 'k')) step = event.key === 'j' ? 1 : -1;
    else if (event.altKey && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) step = event.key === 'ArrowDown' ? 1 : -1;
    if (step === 0) return;
    event.preventDefault();
    var from = currentIndex();
    var focusedPara = document.activeElement && document.activeElement.classList && document.activeElement.classList.contains('para');
    // Starting from the window (nothing focused yet): the first press lands on the current paragraph.
    focusParagraph(focusedPara ? from + step : step > 0 ? from : from - 1);
  });

  // ---- remembering the reader's place

  var url = reader.getAttribute('data-bookmark-url');
  var chapter = reader.getAttribute('data-chapter');
  if (!url || !chapter) return;
  var INTERVAL = 5000;
  var lastSent = null;
  var lastTime = 0;
  var timer = null;

  function send(paragraph, useBeacon) {
    var ordinal = paragraph.getAttribute('data-ordinal');
    if (!ordinal || ordinal === lastSent) return;
    lastSent = ordinal;
    lastTime = Date.now();
    var body = new FormData();
    body.append('chapter', chapter);
    body.append('paragraph', ordinal);
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } }).catch(function () {
      lastSent = null; // try again next time
    });
  }

  function scheduleBookmark(paragraph) {
    if (timer) clearTimeout(timer);
    var wait = Math.max(0, INTERVAL - (Date.now() - lastTime));
    timer = setTimeout(function () {
      timer = null;
      send(paragraph || paragraphs[topVisibleIndex()], false);
    }, wait);
  }

  var scrolling = false;
  window.addEventListener(
    'scroll',
    function () {
      if (scrolling) return;
      scrolling = true;
      requestAnimationFrame(function () {
        scrolling = false;
        scheduleBookmark(null);
      });
    },
    { passive: true },
  );
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden' && timer) {
      clearTimeout(timer);
      timer = null;
      send(paragraphs[topVisibleIndex()], true);
    }
  });
  // A reader who arrives on a paragraph link has their place there.
  if (location.hash && /^#p-\d+$/.test(location.hash)) {
    var linked = document.getElementById(location.hash.slice(1));
    if (linked) scheduleBookmark(linked);
  }
})();
