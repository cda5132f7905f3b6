/**
 * Choosing a paragraph on a club's chapter page, so its actions ("Comment", "I have read up
 * to here") show under it and nowhere else: the text stays clear, and the actions are there
 * when the reader wants them, at a size a thumb can hit.
 *
 * - A tap or click on a paragraph's text chooses it (`.para-active`); another tap on it, or on
 *   another paragraph, moves the choice. Selecting text (for a passage comment) chooses nothing.
 * - Keyboard: j / k (or Alt + ↓ / ↑) move focus to the next / previous paragraph (reader.js,
 *   shared with the library reader), which chooses it; Tab then reaches its actions; Escape
 *   goes back to the paragraph. Focus inside a paragraph (its comment form, say) keeps it chosen.
 * - The paragraph in the address (`#p-12`, a shared link) shows its actions through `:target`
 *   in the stylesheet.
 *
 * Without JavaScript the stylesheet shows every paragraph's actions (`@media (scripting: none)`).
 */
(function () {
  'use strict';
  var root = document.querySelector('.club-chapter');
  if (!root) return;
  var paragraphs = Array.prototype.slice.call(root.querySelectorAll('.reader-text .para'));
  if (paragraphs.length === 0) return;
  paragraphs.forEach(function (para) {
    if (!para.hasAttribute('tabindex')) para.setAttribute('tabindex', '-1');
  });

  function choose(para) {
    paragraphs.forEach(function (other) {
      if (other !== para) other.classList.remove('para-active');
    });
    if (para) para.classList.add('para-active');
  }

  var INTERACTIVE = 'a, button, input, textarea, select, summary, label, details, mark.annotated, .margin';

  root.addEventListener('click', function (event) {
    var target = event.target;
    if (!target || !target.closest || target.closest(INTERACTIVE)) return;
    var para = target.closest('.reader-text .para');
    if (!para) return;
    var selection = window.getSelection ? window.getSelection() : null;
    if (selection && !selection.isCollapsed) return;
    if (para.classList.contains('para-active')) para.classList.remove('para-active');
    else choose(para);
  });

  root.addEventListener('focusin', function (event) {
    var para = event.target && event.target.closest ? event.target.closest('.reader-text .para') : null;
    if (para) choose(para);
  });

  // Escape from inside a paragraph (its actions, its comment form) goes back to the paragraph.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.reader-text .para') : null;
    if (current && current !== document.activeElement) current.focus();
  });
})();
