/**
 * Where focus goes after htmx swaps new content in, so keyboard and screen-reader users land
 * on what changed instead of on nothing (the element they used is often replaced by the swap):
 *
 * 1. a refused form (4xx): its invalid field, else its error message;
 * 2. "Comment" on a paragraph: the new comment's text box;
 * 3. a comment just posted or a reply: that comment (found as the one whose id was not there);
 * 4. an action on a comment (edit, reaction, moderation): the same comment again;
 * 5. a status message in the new content ("You voted."): it, and its words are also said in
 *    the page's polite live region (`#live-status` in the layout);
 * 6. threads opened from a count: the first comment; anything else: the swapped region.
 *
 * Listens on `htmx:before:swap` (the source element still exists then) and lands once the swap
 * is done. Swaps pushed by the live stream (`#live`) move nothing. Served as a file (CSP-clean), loaded on every page after htmx.
 */
(function () {
  'use strict';

  var FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

  function land(el) {
    if (!el) return false;
    if (!el.matches(FOCUSABLE)) el.setAttribute('tabindex', '-1');
    el.focus();
    return true;
  }

  function announce(text) {
    var live = document.getElementById('live-status');
    if (!live || !text) return;
    live.textContent = '';
    setTimeout(function () {
      live.textContent = text.replace(/\s+/g, ' ').trim();
    }, 50);
  }

  function commentIds(root) {
    return Array.prototype.map.call(root.querySelectorAll('.comment[id^="c-"]'), function (el) {
      return el.id;
    });
  }

  document.addEventListener('htmx:before:swap', function (event) {
    var ctx = event.detail && event.detail.ctx;
    var target = ctx && ctx.target;
    if (!target || !target.id || target === document.body) return;
    var source = ctx.sourceElement && ctx.sourceElement.closest ? ctx.sourceElement : null;
    // The live stream's swaps (#live, views/live/stream.tsx) are others' news, not the reader's
    // action: focus stays where the reader is (live.js gives it back inside replaced parts).
    if (source && source.closest('#live')) return;
    var acted = source ? source.closest('.comment[id^="c-"]') : null;
    var plan = {
      targetId: target.id,
      status: ctx.response ? ctx.response.status : 200,
      compose: !!(source && source.closest('.add-comment')),
      opened: !!(source && source.closest('.comment-count')),
      commentId: acted ? acted.id : null,
      before: commentIds(target),
    };
    setTimeout(function () {
      after(plan);
    }, 0);
  });

  function after(plan) {
    var target = document.getElementById(plan.targetId);
    if (!target) return;
    if (plan.status >= 400) {
      if (land(target.querySelector('[aria-invalid="true"]')) || land(target.querySelector('[role="alert"]'))) return;
    }
    if (plan.compose && land(target.querySelector('.new-comment textarea'))) return;
    var status = target.querySelector('[role="status"]');
    if (status) {
      announce(status.textContent || '');
      if (land(status)) return;
    }
    if (!plan.opened) {
      var fresh = commentIds(target).filter(function (id) {
        return plan.before.indexOf(id) < 0;
      });
      // Posted into threads that were showing already: the comment that was not there before.
      if (plan.before.length > 0 && fresh.length > 0 && land(document.getElementById(fresh[fresh.length - 1]))) return;
      if (plan.commentId && land(document.getElementById(plan.commentId))) return;
    }
    if (land(target.querySelector('.comment[id^="c-"]'))) return;
    land(target);
  }
})();
