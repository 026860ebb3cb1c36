// relief-hub staff web app: small progressive enhancements. Every page works without them.
(function () {
  'use strict';

  // Exact decimal arithmetic in millionths (BigInt), as the hub computes weights.
  function micro(text) {
    var m = /^(\d+)(?:\.(\d{0,6}))?/.exec(String(text || '').trim());
    if (!m) return 0n;
    return BigInt(m[1]) * 1000000n + BigInt((m[2] || '').padEnd(6, '0'));
  }
  // A whole number as the hub reads it back (src/web/forms.ts wholeNumber): "1000", "1,000",
  // "1 000" with any space, the no-break ones included.
  function quantity(text) {
    var compact = String(text || '').replace(/\s/g, '');
    if (/^\d{1,3}(,\d{3})+$/.test(compact)) compact = compact.replace(/,/g, '');
    return /^\d{1,10}$/.test(compact) ? BigInt(compact) : null;
  }

  function setUpDispatchForm(form) {
    var locale = form.getAttribute('data-locale') || 'en-GB';
    var payloadKg = Number(form.getAttribute('data-payload-kg'));
    var volumeM3 = Number(form.getAttribute('data-volume-m3'));
    var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
    var percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    var whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    function out(name) {
      return form.querySelector('[data-total="' + name + '"]');
    }

    function update() {
      var kg = 0n;
      var m3 = 0n;
      var any = false;
      form.querySelectorAll('[data-line]').forEach(function (line) {
        var select = line.querySelector('[data-item]');
        var option = select && select.selectedOptions[0];
        var qty = quantity(line.querySelector('[data-quantity]').value);
        if (!option || !option.value || qty === null) return;
        any = true;
        kg += qty * micro(option.getAttribute('data-kg'));
        m3 += qty * micro(option.getAttribute('data-m3'));
      });
      var kgNumber = Number(kg) / 1e6;
      var m3Number = Number(m3) / 1e6;
      out('weight').textContent = any ? number.format(kgNumber) : '—';
      out('volume').textContent = any ? number.format(m3Number) : '—';
      out('loadWeight').textContent = any ? percent.format(kgNumber / payloadKg) : '—';
      out('loadVolume').textContent = any ? percent.format(m3Number / volumeM3) : '—';
      form.querySelector('[data-meter="weight"]').value = Math.min(kgNumber / payloadKg, 1);
      form.querySelector('[data-meter="volume"]').value = Math.min(m3Number / volumeM3, 1);
      // Past 100 %, say so: the meters stop at full. "About": the load plan packs the lines.
      var warning = form.querySelector('[data-over-one-warning]');
      var trucks = Math.ceil(Math.max(kgNumber / payloadKg, m3Number / volumeM3) - 1e-9);
      if (warning) {
        warning.hidden = !(any && trucks > 1);
        warning.textContent = warning.hidden
          ? ''
          : form.getAttribute('data-over-one').replace('{trucks}', whole.format(trucks));
      }
    }
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
  }

  // What the picked item has on hand, under the picker (a phone's select cuts it off).
  function showOnHand(fieldset, line) {
    var out = line.querySelector('[data-on-hand-line]');
    var option = line.querySelector('[data-item]').selectedOptions[0];
    var count = option && option.getAttribute('data-on-hand');
    if (!out) return;
    out.textContent = count
      ? fieldset.getAttribute('data-on-hand-text').replace('{count}', count)
      : '';
  }

  // "Add a line": copies the last row with fresh ids, labels numbered on.
  function setUpLines(fieldset) {
    fieldset.addEventListener('change', function (event) {
      var line = event.target.closest('[data-line]');
      if (line && event.target.matches('[data-item]')) showOnHand(fieldset, line);
    });
    var button = fieldset.querySelector('[data-add-line]');
    if (!button) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var list = fieldset.querySelector('ol');
      var rows = list.querySelectorAll('[data-line]');
      if (rows.length >= 100) return;
      var n = rows.length;
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.classList.remove('invalid');
      copy.querySelectorAll('.error').forEach(function (e) {
        e.remove();
      });
      copy.querySelectorAll('[data-on-hand-line]').forEach(function (e) {
        e.textContent = '';
      });
      copy.querySelectorAll('select, input').forEach(function (el) {
        var base = el.name;
        el.id = base + '-' + n;
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-describedby');
        if (el.tagName === 'SELECT') el.selectedIndex = 0;
        else el.value = '';
      });
      copy.querySelectorAll('label').forEach(function (label) {
        var target = label.getAttribute('for').replace(/-\d+$/, '');
        label.setAttribute('for', target + '-' + n);
        label.textContent = label.textContent.replace(/\d+\s*$/, String(n + 1));
      });
      list.appendChild(copy);
      copy.querySelector('select').focus();
    });
  }

  function setUpCopy(button) {
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      var status = button.parentElement.querySelector('.copy-status');
      var text = source.textContent.trim();
      var done = function () {
        if (status) status.textContent = button.getAttribute('data-copied');
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {
          selectText(source);
        });
      } else {
        selectText(source);
        try {
          document.execCommand('copy');
          done();
        } catch {
          // left selected for the user to copy
        }
      }
    });
  }
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // Marks a form busy once sent; the hub records it once however often it is sent anyway.
  function setUpBusy(form) {
    form.addEventListener('submit', function () {
      var button = form.querySelector('button[type="submit"]');
      if (button) button.setAttribute('aria-busy', 'true');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-dispatch-form]').forEach(setUpDispatchForm);
    document.querySelectorAll('[data-lines]').forEach(setUpLines);
    document.querySelectorAll('[data-copy]').forEach(setUpCopy);
    document.querySelectorAll('form[method="post"]').forEach(setUpBusy);
  });
})();
