/**
 * Reading progress on a club's chapter page.
 *
 * Watches the paragraphs (IntersectionObserver) and reports the furthest one the reader has
 * seen to the server at most every 5 seconds, and once more when the page is hidden. The
 * server only ever moves progress forward for these reports (mode=forward). The "read up to
 * here" / "set my progress here" buttons work without this file (they submit a form); with it
 * they are sent in the background too, and the progress box is refreshed in place.
 *
 * Reads its settings from `.club-chapter[data-progress-url]`:
 *   data-progress        the stored position when the page was rendered
 *   data-chapter         this chapter's ordinal (so the server answers with this chapter's box)
 *   data-label-forward   label of a button on an unread paragraph
 *   data-label-set       label of a button on a read paragraph
 * Same-origin fetch sends `Sec-Fetch-Site: same-origin`, which the server's CSRF check needs.
 */
(function () {
  'use strict';
  var root = document.querySelector('.club-chapter[data-progress-url]');
  if (!root || !('IntersectionObserver' in window) || !window.fetch) return;

  var THROTTLE_MS = 5000;
  var url = root.getAttribute('data-progress-url');
  var chapter = root.getAttribute('data-chapter') || '';
  var labelForward = root.getAttribute('data-label-forward') || '';
  var labelSet = root.getAttribute('data-label-set') || '';
  var stored = Number(root.getAttribute('data-progress')) || 0;
  var furthest = stored;
  var lastSentAt = 0;
  var timer = null;
  var sending = false;

  function paragraphs() {
    return root.querySelectorAll('.para[data-position]');
  }

  /** Marks paragraphs up to `position` as read and points their buttons at the right form. */
  function showProgress(position) {
    paragraphs().forEach(function (para) {
      var read = Number(para.getAttribute('data-position')) <= position;
      para.classList.toggle('para-read', read);
      var button = para.querySelector('button.progress-here');
      if (!button) return;
      button.setAttribute('form', read ? 'progress-set' : 'progress-forward');
      button.textContent = read ? labelSet : labelForward;
    });
  }

  function send(position, mode, keepalive) {
    var body = new URLSearchParams();
    body.set('position', String(position));
    body.set('mode', mode);
    body.set('chapter', chapter);
    sending = true;
    lastSentAt = Date.now();
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'HX-Request': 'true' },
      body: body,
      keepalive: !!keepalive,
    })
      .then(function (response) {
        if (!response.ok) return;
        if (mode === 'set') furthest = position;
        stored = mode === 'set' ? position : Math.max(stored, position);
        return response.text().then(function (html) {
          var box = document.getElementById('reading-progress');
          if (box && html) box.outerHTML = html;
          showProgress(stored);
        });
      })
      .catch(function () {
        // Offline or the server is away: the next report carries the same or a further position.
      })
      .then(function () {
        sending = false;
        schedule();
      });
  }

  function flush(keepalive) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (furthest > stored && !sending) send(furthest, 'forward', keepalive);
  }

  function schedule() {
    if (furthest <= stored || timer) return;
    var wait = Math.max(0, lastSentAt + THROTTLE_MS - Date.now());
    timer = setTimeout(function () {
      timer = null;
      flush(false);
    }, wait);
  }

  // A paragraph counts as seen once its end is on screen (or it fills the screen).
  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        var rect = entry.boundingClientRect;
        var bottom = entry.rootBounds ? entry.rootBounds.bottom : window.innerHeight;
        if (rect.bottom <= bottom + 1 || entry.intersectionRatio >= 0.9) {
          var position = Number(entry.target.getAttribute('data-position'));
          if (position > furthest) furthest = position;
        }
      });
      schedule();
    },
    { threshold: [0, 0.25, 0.5, 0.75, 0.9, 1] },
  );
  paragraphs().forEach(function (para) {
    observer.observe(para);
  });

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') flush(true);
  });
  window.addEventListener('pagehide', function () {
    flush(true);
  });

  // The per-paragraph buttons: send in the background instead of reloading the page.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || (form.id !== 'progress-forward' && form.id !== 'progress-set')) return;
    var button = event.submitter;
    if (!button || !button.value) return;
    event.preventDefault();
    var position = Number(button.value);
    var mode = form.id === 'progress-set' ? 'set' : 'forward';
    if (mode === 'forward' && position > furthest) furthest = position;
    send(position, mode, false);
  });
})();
