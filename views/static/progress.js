/**
 * Reading progress on a club's chapter page.
 *
 * Progress moves forward by itself only as the shared rule in `progress-rule.js` allows (the
 * server runs the same file and refuses anything else): reading on from the stored position,
 * paragraph after paragraph, each on screen long enough for its length. This script gathers
 * that evidence and reports it; it never reports a chapter that is ahead of the reader's
 * progress, a moderator's preview, or time when nobody is reading:
 *
 * - Time counts only while the page is visible (Page Visibility API: a background tab gathers
 *   nothing) and the reader has done something (scrolled, touched, typed, moved the pointer)
 *   in the last two minutes, at most one second per tick (a sleeping laptop gathers nothing).
 * - It goes to ONE paragraph at a time: the first paragraph on screen, top to bottom, that is
 *   after the stored position and not yet read long enough. A screen of five paragraphs takes
 *   as long as reading five paragraphs, and a paragraph counts as on screen when half of it,
 *   or half the screen, shows.
 * - Reports (`mode=auto` with `from` and `dwell`, the milliseconds per paragraph) go at most
 *   every 5 seconds, and once more when the page is hidden or left (with `keepalive`).
 *
 * The per-paragraph buttons ("I have read up to here", "Set my progress here") work without
 * this file (they submit a form). With it they are sent in the background and the page updates
 * in place, except when the step forward opens comments: then the form posts as usual so the
 * page comes back with them.
 *
 * Settings on `.club-chapter[data-progress-url]`: data-progress (stored position when the page
 * was rendered), data-progress-auto ("off" in a moderator's preview), data-progress-rule (URL of
 * the rule module), data-body-start, data-chapter, and the labels the buttons and notes use.
 * Same-origin fetch sends `Sec-Fetch-Site: same-origin`, which the server's CSRF check needs;
 * `HX-Request: true` asks for the progress box fragment instead of a redirect.
 */
(function () {
  'use strict';
  var root = document.querySelector('.club-chapter[data-progress-url]');
  if (!root || !window.fetch) return;

  var REPORT_EVERY_MS = 5000;
  var TICK_MS = 250;
  var MAX_TICK_MS = 1000;
  var IDLE_MS = 120000;

  var url = root.getAttribute('data-progress-url');
  var chapter = root.getAttribute('data-chapter') || '';
  var stored = Number(root.getAttribute('data-progress')) || 0;
  var bodyStart = Number(root.getAttribute('data-body-start')) || 1;
  var lang = document.documentElement.lang || 'en';
  var label = function (name) {
    return root.getAttribute('data-label-' + name) || '';
  };

  var paragraphs = Array.prototype.map.call(root.querySelectorAll('.para[data-position]'), function (el) {
    var text = el.querySelector('.paragraph-text');
    var button = el.querySelector('button.progress-here');
    return {
      el: el,
      position: Number(el.getAttribute('data-position')),
      text: text ? text.textContent || '' : '',
      units: 0,
      dwell: 0,
      visible: false,
      button: button,
      // Comments "I have read up to here" on this paragraph opened when the page was rendered.
      opens: button && button.hasAttribute('data-opens') ? Number(button.getAttribute('data-opens')) : 0,
    };
  });
  var storedAtRender = stored;

  function announce(message) {
    var live = document.getElementById('live-status');
    if (live && message) live.textContent = message;
  }

  function opensText(count) {
    var template = new Intl.PluralRules(lang).select(count) === 'one' ? label('opens-one') : label('opens-other');
    return template.replace('{count}', new Intl.NumberFormat(lang).format(count));
  }

  /** Comments already opened by the steps taken since the page was rendered (counted then). */
  function openedSinceRender() {
    var opened = 0;
    paragraphs.forEach(function (p) {
      if (p.position <= stored && p.position > storedAtRender && p.opens > opened) opened = p.opens;
    });
    return opened;
  }

  /** Marks paragraphs up to the stored position as read and points their buttons at the right form. */
  function showProgress() {
    var opened = openedSinceRender();
    paragraphs.forEach(function (p) {
      var read = p.position <= stored;
      p.el.classList.toggle('para-read', read);
      if (!p.button) return;
      p.button.setAttribute('form', read ? 'progress-set' : 'progress-forward');
      p.button.textContent = read ? label('set') : label('forward');
      var remaining = read ? 0 : Math.max(0, p.opens - opened);
      p.button.setAttribute('data-opens', String(remaining));
      var note = p.el.querySelector('.progress-opens');
      if (note) {
        note.hidden = remaining === 0;
        note.textContent = remaining > 0 ? opensText(remaining) : '';
      }
      if (remaining === 0) p.button.removeAttribute('aria-describedby');
    });
  }

  /** Replaces the progress box with the server's and takes the stored position and standing from it. */
  function takeBox(html) {
    var template = document.createElement('template');
    template.innerHTML = html;
    var fresh = template.content.querySelector('#reading-progress');
    var box = document.getElementById('reading-progress');
    if (!fresh || !box) return;
    box.replaceWith(fresh);
    stored = Math.max(0, Number(fresh.getAttribute('data-position')) || 0);
    showProgress();
    if (fresh.getAttribute('data-standing') === 'reading') startTracking();
  }

  var sending = false;
  function send(fields, keepalive) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (name) {
      body.set(name, String(fields[name]));
    });
    body.set('chapter', chapter);
    sending = true;
    return fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'HX-Request': 'true' }, body: body, keepalive: !!keepalive })
      .then(function (response) {
        return response.ok ? response.text().then(takeBox).then(function () { return true; }) : false;
      })
      .catch(function () {
        return false; // offline or the server is away: the next report carries the same evidence again
      })
      .then(function (ok) {
        sending = false;
        return ok;
      });
  }

  // ---- the reader's own choice: "I have read up to here", "Set my progress here"

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || (form.id !== 'progress-forward' && form.id !== 'progress-set')) return;
    var button = event.submitter;
    if (!button || !button.value) return;
    var mode = form.id === 'progress-set' ? 'set' : 'forward';
    // Opening comments: let the form post, so the page comes back showing them.
    if (mode === 'forward' && Number(button.getAttribute('data-opens')) > 0) return;
    event.preventDefault();
    send({ position: button.value, mode: mode }).then(function (ok) {
      if (ok) announce(label('moved'));
    });
  });

  // ---- reading on by itself

  var tracking = false;
  function startTracking() {
    if (tracking || root.getAttribute('data-progress-auto') === 'off' || !('IntersectionObserver' in window)) return;
    var ruleUrl = root.getAttribute('data-progress-rule');
    if (!ruleUrl) return;
    tracking = true;
    import(ruleUrl).then(track, function () {
      tracking = false;
    });
  }

  function track(rule) {
    paragraphs.forEach(function (p) {
      p.units = rule.readingUnits(p.text);
    });
    var lastTick = Date.now();
    var lastActivity = lastTick;
    var lastReport = 0;
    var reported = stored;
    var timer = null;

    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          var p = entry.target.__progress;
          if (!p) return;
          var screen = entry.rootBounds ? entry.rootBounds.height : window.innerHeight;
          p.visible = entry.isIntersecting && (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= screen * 0.5);
        });
      },
      { threshold: [0, 0.25, 0.5, 0.75, 1] },
    );
    paragraphs.forEach(function (p) {
      p.el.__progress = p;
      observer.observe(p.el);
    });

    ['scroll', 'wheel', 'keydown', 'pointerdown', 'pointermove', 'touchstart'].forEach(function (name) {
      window.addEventListener(
        name,
        function () {
          lastActivity = Date.now();
        },
        { passive: true, capture: true },
      );
    });

    function decision() {
      var byPosition = {};
      paragraphs.forEach(function (p) {
        byPosition[p.position] = p.dwell;
      });
      return rule.automaticAdvance({
        stored: stored,
        bodyStart: bodyStart,
        paragraphs: paragraphs,
        dwellMs: function (position) {
          return byPosition[position] || 0;
        },
      });
    }

    function report(keepalive) {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      var next = decision();
      if (next.to <= stored || next.to <= reported || sending) return;
      var evidence = paragraphs.filter(function (p) {
        return p.position <= next.to;
      });
      reported = next.to;
      lastReport = Date.now();
      send(
        {
          mode: 'auto',
          position: next.to,
          from: evidence.length ? evidence[0].position : next.to,
          dwell: evidence
            .map(function (p) {
              return Math.round(p.dwell);
            })
            .join(','),
        },
        keepalive,
      ).then(function (ok) {
        if (!ok) reported = stored;
      });
    }

    function schedule() {
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        report(false);
      }, Math.max(0, lastReport + REPORT_EVERY_MS - Date.now()));
    }

    setInterval(function () {
      var now = Date.now();
      var elapsed = Math.min(now - lastTick, MAX_TICK_MS);
      lastTick = now;
      if (document.visibilityState !== 'visible' || now - lastActivity > IDLE_MS || elapsed <= 0) return;
      for (var i = 0; i < paragraphs.length; i++) {
        var p = paragraphs[i];
        if (p.position <= stored || !p.visible || p.dwell >= rule.minimumDwellMs(p.units)) continue;
        p.dwell += elapsed;
        break;
      }
      if (decision().to > Math.max(stored, reported)) schedule();
    }, TICK_MS);

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') report(true);
    });
    window.addEventListener('pagehide', function () {
      report(true);
    });
  }

  var box = document.getElementById('reading-progress');
  if (box && box.getAttribute('data-standing') === 'reading') startTracking();
})();
