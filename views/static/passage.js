/*
 * passage.js — select words in a paragraph, then "Comment on passage".
 *
 * Served as a file (CSP-clean: no inline script, no eval, no globals but this IIFE).
 * Plain ES2019. The page works without it: the comment form then anchors to the paragraph.
 *
 * Page contract:
 *   [data-paragraph-id] > .paragraph-text   exact NFC text of the paragraph (may contain <mark>)
 *   #passage-action[data-label]             floating button, hidden by default
 *   #passage-form                           hidden fields passage_start, passage_end,
 *                                           passage_exact, passage_prefix, passage_suffix,
 *                                           paragraph_id; [data-passage-quote]; a textarea
 *
 * Offsets are UTF-16 code units into .paragraph-text's text, widened so they never split a
 * character (surrogate pair, combining mark, emoji sequence) — the server checks the same
 * rules (src/annotations/selectors.ts) and refuses a selector that disagrees.
 */
(function () {
  'use strict';

  var CONTEXT = 32; // PASSAGE_CONTEXT_CHARS
  var MAX_PASSAGE = 2000; // MAX_PASSAGE_CHARS
  var pending = null; // the passage the button would comment on

  // Grapheme boundaries of text (all code-point boundaries without Intl.Segmenter,
  // minus those before a combining mark).
  function boundaries(text) {
    var set = { 0: true };
    set[text.length] = true;
    if (typeof Intl === 'object' && Intl.Segmenter) {
      var segments = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text);
      for (var s of segments) set[s.index] = true;
      return set;
    }
    for (var i = 1; i < text.length; i++) {
      var low = /[\uDC00-\uDFFF]/.test(text[i]) && /[\uD800-\uDBFF]/.test(text[i - 1]);
      if (!low && !/\p{M}/u.test(text.slice(i, i + 1))) set[i] = true;
    }
    return set;
  }

  // Context that never begins or ends with half a surrogate pair.
  function prefixOf(text, start) {
    var from = Math.max(0, start - CONTEXT);
    if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from])) from++;
    return text.slice(from, start);
  }
  function suffixOf(text, end) {
    var to = Math.min(text.length, end + CONTEXT);
    if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to])) to--;
    return text.slice(end, to);
  }

  // Ruby annotations (<rt>, <rp>) are drawn beside the text but are not part of it: the
  // paragraph's text, and every offset into it, counts the ruby base only.
  function isAnnotation(node) {
    var el = node.nodeType === 1 ? node : node.parentElement;
    return !!(el && el.closest && el.closest('rt, rp'));
  }
  function walker(root) {
    return document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) { return isAnnotation(node) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT; },
    });
  }
  // The paragraph's text as stored: its text nodes without ruby annotations.
  function textOf(root) {
    var walk = walker(root);
    var text = '';
    var node;
    while ((node = walk.nextNode())) text += node.data;
    return text;
  }

  // Offset of a boundary point (container, offset) in root's text, counted by walking
  // root's text nodes (so <mark> highlights don't matter); 0 / length when outside root.
  function offsetIn(root, container, offset) {
    var range = document.createRange();
    range.selectNodeContents(root);
    if (!root.contains(container)) return range.comparePoint(container, offset) < 0 ? 0 : textOf(root).length;
    range.setEnd(container, offset);
    var walk = walker(root);
    var total = 0;
    var node;
    while ((node = walk.nextNode()) && range.intersectsNode(node)) {
      total += node === container ? offset : node.data.length;
    }
    return total;
  }

  // The passage the current selection designates, or null. The selected TEXT must come
  // from one .paragraph-text (a triple-click that also grabs chrome around it is fine).
  function currentPassage() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    var range = selection.getRangeAt(0);
    var common = range.commonAncestorContainer;
    if (common.nodeType !== 1) common = common.parentElement;
    if (!common) return null;
    var inside = common.closest('.paragraph-text');
    var candidates = inside ? [inside] : Array.prototype.slice.call(common.querySelectorAll('.paragraph-text'));
    var found = [];
    candidates.forEach(function (el) {
      if (!range.intersectsNode(el)) return;
      var text = textOf(el);
      var start = offsetIn(el, range.startContainer, range.startOffset);
      var end = offsetIn(el, range.endContainer, range.endOffset);
      // Drop surrounding whitespace; a whitespace-only overlap does not count.
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
      if (end > start) found.push({ el: el, text: text, start: start, end: end });
    });
    if (found.length !== 1) return null; // nothing, or text of two paragraphs
    var hit = found[0];
    var paragraph = hit.el.closest('[data-paragraph-id]');
    if (!paragraph) return null;
    // Widen to whole characters, as the server requires.
    var ok = boundaries(hit.text);
    var start = hit.start;
    var end = hit.end;
    while (start > 0 && !ok[start]) start--;
    while (end < hit.text.length && !ok[end]) end++;
    if (end - start > MAX_PASSAGE) return null;
    return {
      paragraphId: paragraph.getAttribute('data-paragraph-id'),
      start: start,
      end: end,
      exact: hit.text.slice(start, end),
      prefix: prefixOf(hit.text, start),
      suffix: suffixOf(hit.text, end),
      rect: range.getBoundingClientRect(),
    };
  }

  function attach() {
    var button = document.getElementById('passage-action');
    var form = document.getElementById('passage-form');
    if (!button || !form) return;
    if (!button.textContent.trim()) button.textContent = button.getAttribute('data-label') || 'Comment on passage';

    function update() {
      pending = currentPassage();
      if (!pending) { button.hidden = true; return; }
      // CSSOM writes are allowed under a strict CSP (unlike style attributes in markup).
      button.style.position = 'absolute';
      button.style.top = Math.round(pending.rect.bottom + window.scrollY + 6) + 'px';
      button.style.left = Math.round(pending.rect.left + window.scrollX) + 'px';
      button.hidden = false;
    }

    var timer = 0;
    function debounced() {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    }
    document.addEventListener('mouseup', debounced);
    document.addEventListener('keyup', debounced);
    document.addEventListener('selectionchange', debounced);

    // Keep the selection alive while the button is pressed.
    button.addEventListener('mousedown', function (event) { event.preventDefault(); });
    button.addEventListener('click', function () {
      if (!pending) return;
      var fields = {
        passage_start: String(pending.start),
        passage_end: String(pending.end),
        passage_exact: pending.exact,
        passage_prefix: pending.prefix,
        passage_suffix: pending.suffix,
        paragraph_id: pending.paragraphId,
      };
      Object.keys(fields).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) field.value = fields[name];
      });
      var quote = form.querySelector('[data-passage-quote]');
      if (quote) quote.textContent = pending.exact; // textContent: never parsed as HTML
      button.hidden = true;
      form.hidden = false;
      var textarea = form.querySelector('textarea');
      if (textarea) textarea.focus();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', attach);
  else attach();
})();
