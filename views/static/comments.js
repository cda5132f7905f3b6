/*
 * comments.js — small conveniences around comment threads. Served as a file (CSP-clean: no
 * inline script, no eval). Every page works without it; it only saves clicks.
 *
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
