/* global document, window, EventSource */
/* xport web UI: live banner and export outcomes (server-sent events), small enhancements. No inline script (CSP). */
(function () {
  'use strict';

  var STATE_WORDS = {
    queued: 'queued again',
    exporting: 'exporting',
    waiting: 'waiting',
    exported: 'exported',
    failed: 'failed again',
    skipped: 'skipped',
    deleted: 'deleted',
    unchanged: 'unchanged',
  };

  // The Export All result page: one line that counts the rows by their current outcome.
  function summarise() {
    var out = document.getElementById('bulk-summary');
    if (!out) return;
    var counts = {};
    document.querySelectorAll('#bulk-results tr[data-state]').forEach(function (tr) {
      var s = tr.getAttribute('data-state');
      counts[s] = (counts[s] || 0) + 1;
    });
    out.textContent = Object.keys(STATE_WORDS)
      .filter(function (k) {
        return counts[k];
      })
      .map(function (k) {
        return counts[k] + ' ' + STATE_WORDS[k];
      })
      .join(' · ');
  }

  function showOutcome(data) {
    var cell = document.querySelector('[data-outcome-for="' + Number(data.id) + '"]');
    if (!cell || typeof data.text !== 'string') return;
    cell.textContent = data.text; // text, never HTML
    var row = cell.closest('tr');
    if (row && row.getAttribute('data-state') !== 'unchanged') {
      row.setAttribute('data-state', String(data.state));
      row.className = 'outcome-' + String(data.state);
    }
    summarise();
  }

  function liveBanner() {
    if (!window.EventSource || !document.getElementById('banner')) return;
    var followExports = Boolean(document.querySelector('[data-live-exports]'));
    var source = new EventSource(followExports ? '/events?exports=1' : '/events');
    source.addEventListener('export', function (e) {
      try {
        showOutcome(JSON.parse(e.data));
      } catch (_err) {
        /* a malformed update is ignored */
      }
    });
    source.addEventListener('open', function () {
      document.documentElement.setAttribute('data-live', '1');
    });
    source.addEventListener('banner', function (e) {
      var current = document.getElementById('banner');
      if (!current) return;
      var tpl = document.createElement('template');
      tpl.innerHTML = e.data; // rendered and escaped by the server
      var next = tpl.content.firstElementChild;
      if (next && next.id === 'banner') {
        current.replaceWith(next);
      }
    });
  }

  function autosubmit() {
    document.querySelectorAll('select[data-autosubmit]').forEach(function (el) {
      el.addEventListener('change', function () {
        if (el.form) el.form.submit();
      });
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
  }

  document.addEventListener('DOMContentLoaded', function () {
    summarise();
    liveBanner();
    autosubmit();
    htmxErrors();
  });
})();
