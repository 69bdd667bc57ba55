/**
 * The gateway's only scripts, served as files under /_hic/static/ (the CSP allows `script-src 'self'` and no inline
 * script). Plain ES2017 that works without a build step; every text they show comes from data attributes the
 * server rendered in the page's language, so the scripts hold no words of their own.
 */

/**
 * SES-1 idle warning on gateway pages: two minutes before the idle logout a dialog offers to continue. Before it
 * warns or leaves, it asks the gateway how long is really left (`GET /_hic/api/session/idle`, which does not count as
 * activity), because the user may be working in the workspace in another tab. "Continue" is an operation
 * (`POST /_hic/api/session/activity`).
 */
export const IDLE_JS = `(function () {
  'use strict';
  var body = document.body;
  var WARN_MS = 120000;
  var deadline = Date.now() + Number(body.getAttribute('data-idle-ms'));
  var box = null;
  var timer = null;
  function leave() { window.location.assign('/_hic/login?idle=1'); }
  function ask(method, path) {
    return fetch(path, { method: method, credentials: 'same-origin', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return { idleMs: deadline - Date.now() }; });
  }
  function hide() { if (box) box.hidden = true; }
  function show() {
    if (!box) {
      box = document.createElement('div');
      box.id = 'idle-warning';
      box.setAttribute('role', 'alertdialog');
      box.setAttribute('aria-live', 'assertive');
      var p = document.createElement('p');
      p.textContent = body.getAttribute('data-idle-warning');
      var b = document.createElement('button');
      b.type = 'button';
      b.id = 'idle-continue';
      b.textContent = body.getAttribute('data-idle-continue');
      b.addEventListener('click', function () { ask('POST', '/_hic/api/session/activity').then(update); });
      box.appendChild(p);
      box.appendChild(b);
      body.appendChild(box);
    }
    box.hidden = false;
  }
  function update(state) {
    if (!state || !(state.idleMs > 0)) { leave(); return; }
    deadline = Date.now() + state.idleMs;
    if (state.idleMs > WARN_MS) hide(); else show();
    schedule();
  }
  function tick() {
    var left = deadline - Date.now();
    if (left > WARN_MS || (box && !box.hidden && left > 0)) { schedule(); return; }
    ask('GET', '/_hic/api/session/idle').then(update);
  }
  function schedule() {
    clearTimeout(timer);
    var left = deadline - Date.now();
    timer = setTimeout(tick, left > WARN_MS ? left - WARN_MS : Math.max(0, left));
  }
  schedule();
})();
`;

/**
 * Live feedback on the password rules (AUTH-3) while the user types a new password: each rule in the list marked
 * met or not, and whether the confirmation matches. The server checks again (and also refuses common and reused
 * passwords, which a page cannot know); this only saves a round trip.
 */
export const PASSWORD_RULES_JS = `(function () {
  'use strict';
  var list = document.querySelector('ul.rules[data-for]');
  if (!list) return;
  var pw = document.getElementById(list.getAttribute('data-for'));
  var confirm = document.getElementById(list.getAttribute('data-confirm'));
  var userField = document.getElementById(list.getAttribute('data-user-field') || '');
  var min = Number(list.getAttribute('data-min') || 8);
  var tests = {
    length: function (v) { return Array.from(v).length >= min; },
    letter: function (v) { return /\\p{L}/u.test(v); },
    digit: function (v) { return /\\p{Nd}/u.test(v); },
    symbol: function (v) { return /[^\\p{L}\\p{Nd}\\p{White_Space}\\p{Cc}]/u.test(v); },
    user: function (v) {
      var u = (userField ? userField.value : list.getAttribute('data-user') || '').trim().toLowerCase();
      return v.length > 0 && (u.length < 3 || v.toLowerCase().indexOf(u) < 0);
    },
    match: function (v) { return v.length > 0 && confirm !== null && confirm.value === v; }
  };
  function check() {
    var v = pw.value;
    list.querySelectorAll('li[data-rule]').forEach(function (li) {
      var ok = tests[li.getAttribute('data-rule')](v);
      li.className = v.length === 0 ? '' : ok ? 'ok' : 'bad';
    });
  }
  [pw, confirm, userField].forEach(function (el) { if (el) el.addEventListener('input', check); });
  check();
})();
`;
