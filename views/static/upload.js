/*
 * upload.js — a progress bar for book uploads. The form works without it (a plain multipart
 * POST that redirects to the preview).
 *
 * Page contract: form[data-upload-form] containing [data-upload-progress] (hidden) with a
 * <progress> and a label [data-upload-status] carrying data-processing / data-failed texts.
 *
 * The file is sent with XMLHttpRequest so `upload.onprogress` can fill the bar. XHR follows
 * the server's 303 to the preview by itself; when the final URL is not the form's own, the
 * upload succeeded and the browser goes there. Otherwise the server answered with the form
 * and its translated errors (422): that section of the page is swapped in, so the reader
 * sees why, with what they typed kept.
 */
(function () {
  'use strict';

  function bind(form) {
    form.addEventListener('submit', function (event) {
      if (!window.XMLHttpRequest || !window.FormData) return; // plain form post
      event.preventDefault();
      var box = form.querySelector('[data-upload-progress]');
      var bar = box && box.querySelector('progress');
      var status = box && box.querySelector('[data-upload-status]');
      var button = form.querySelector('button[type="submit"]');
      if (box) box.hidden = false;
      if (button) button.disabled = true;

      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (e) {
        if (bar && e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener('load', function () {
        if (bar) bar.removeAttribute('value'); // indeterminate while the server reads the book
        if (status) status.textContent = status.getAttribute('data-processing');
      });
      xhr.addEventListener('load', function () {
        var finalUrl = xhr.responseURL || '';
        var formUrl = new URL(form.action, location.href).href;
        if (xhr.status >= 200 && xhr.status < 300 && finalUrl && finalUrl !== formUrl) {
          location.assign(finalUrl);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        var fresh = doc.getElementById('upload-section');
        var current = document.getElementById('upload-section');
        if (fresh && current) {
          current.replaceWith(document.importNode(fresh, true));
          var again = document.querySelector('form[data-upload-form]');
          if (again) bind(again);
          var errors = document.querySelector('.form-errors');
          if (errors) errors.scrollIntoView({ block: 'center' });
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      });
      xhr.addEventListener('error', function () {
        if (status) status.textContent = status.getAttribute('data-failed');
        if (button) button.disabled = false;
      });
      xhr.send(new FormData(form));
    });
  }

  var form = document.querySelector('form[data-upload-form]');
  if (form) bind(form);
})();
