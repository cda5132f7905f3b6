/*
 * comments.js — small conveniences around comment threads. Served as a file (CSP-clean: no
 * inline script, no eval). Every page works without it; it only saves clicks.
 *
 * - Opening a paragraph's threads from its margin (the count or "Comment", whose htmx target is
 *   `#threads-N`) first makes that place, right after the margin's summary, when it is not
 *   there yet: pages do not carry an empty holder per paragraph. This runs in the capture
 *   phase, before htmx's own click handler looks for the target.
 * - "Close" in a paragraph's margin folds its threads away again ([data-close-threads]).
 * - "Cancel" in the passage form hides and clears it ([data-passage-cancel]).
 * - Clicking a commented passage (<mark class="annotated">) opens that paragraph's threads,
 *   unless the reader is selecting text.
 * Listeners are delegated from the document, so threads swapped in by htmx work too.
 */
(function () {
  'use strict';

  function closestEl(node, selector) {
    var el = node && node.nodeType === 1 ? node : node && node.parentElement;
    return el ? el.closest(selector) : null;
  }

  document.addEventListener(
    'click',
    function (event) {
      var opener = closestEl(event.target, '.annotation-summary [hx-target^="#threads-"]');
      if (!opener) return;
      var id = opener.getAttribute('hx-target').slice(1);
      if (!/^threads-\d+$/.test(id) || document.getElementById(id)) return;
      var holder = document.createElement('div');
      holder.className = 'threads';
      holder.id = id;
      var summary = opener.closest('.annotation-summary');
      summary.parentNode.insertBefore(holder, summary.nextSibling);
    },
    true,
  );

  document.addEventListener('click', function (event) {
    var close = closestEl(event.target, '[data-close-threads]');
    if (close) {
      var threads = close.closest('.threads');
      var margin = close.closest('.annotation-margin');
      if (threads) threads.textContent = '';
      var link = margin && margin.querySelector('.comment-count, .add-comment');
      if (link) link.focus();
      return;
    }

    var cancel = closestEl(event.target, '[data-passage-cancel]');
    if (cancel) {
      var form = cancel.closest('form');
      if (form) {
        form.reset();
        form.hidden = true;
        var quote = form.querySelector('[data-passage-quote]');
        if (quote) quote.textContent = '';
      }
      return;
    }

    var mark = closestEl(event.target, 'mark.annotated');
    if (mark) {
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed) return;
      var paragraph = mark.closest('[data-paragraph-id]');
      var count = paragraph && paragraph.querySelector('.comment-count');
      if (count) count.click();
    }
  });
})();
