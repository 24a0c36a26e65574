/* global document, window, EventSource */
/* xport web UI: live banner (server-sent events), local times, small enhancements. No inline script (CSP). */
(function () {
  'use strict';

  function localTimes(root) {
    (root || document).querySelectorAll('time[data-local]').forEach(function (el) {
      var d = new Date(el.getAttribute('datetime'));
      if (isNaN(d.getTime())) return;
      var opts = el.getAttribute('data-local') === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' };
      el.textContent = d.toLocaleString(undefined, opts);
      el.title = d.toISOString();
    });
  }

  function liveBanner() {
    if (!window.EventSource || !document.getElementById('banner')) return;
    var source = new EventSource('/events');
    source.addEventListener('open', function () { document.documentElement.setAttribute('data-live', '1'); });
    source.addEventListener('banner', function (e) {
      var current = document.getElementById('banner');
      if (!current) return;
      var tpl = document.createElement('template');
      tpl.innerHTML = e.data; // rendered and escaped by the server
      var next = tpl.content.firstElementChild;
      if (next && next.id === 'banner') {
        current.replaceWith(next);
        localTimes(next);
      }
    });
  }

  function autosubmit() {
    document.querySelectorAll('select[data-autosubmit]').forEach(function (el) {
      el.addEventListener('change', function () { if (el.form) el.form.submit(); });
    });
  }

  function htmxErrors() {
    // Let error fragments (403, 404, 409) be shown where the server retargets them (the toast).
    document.body.addEventListener('htmx:beforeSwap', function (evt) {
      var xhr = evt.detail.xhr;
      if (xhr.status >= 400 && xhr.getResponseHeader('HX-Retarget')) {
        evt.detail.shouldSwap = true;
        evt.detail.isError = false;
      }
    });
    document.body.addEventListener('htmx:afterSwap', function (evt) { localTimes(evt.target); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    localTimes();
    liveBanner();
    autosubmit();
    htmxErrors();
  });
})();
