// The status panel: reads /api/v1/agent and /api/v1/sessions, follows /api/v1/events (Server-Sent Events) and
// refreshes on every event that changes what it shows. No framework, no build step; all text goes in through
// textContent, never as HTML.
(function () {
  'use strict';

  var state = { sessions: [], sortKey: 'session_id', sortDir: 1, filter: '', actions: false, refreshTimer: null,
    openHistories: {} };
  var REFRESH_EVERY_MS = 5000;
  var MAX_EVENTS = 100;
  var REFRESHING_TYPES = { session_state: 1, command_answered: 1, command_started: 1, leadership: 1, watchdog: 1, panel_action: 1 };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function getJson(path) {
    return fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); throw new Error('signed out'); }
        if (!r.ok) { throw new Error(path + ' answered ' + r.status); }
        return r.json();
      });
  }

  // ------------------------------------------------------------------------------------------ formatting

  function bytes(n) {
    if (n === null || n === undefined) { return '–'; }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function cores(n) { return n === null || n === undefined ? '–' : (Math.round(n * 1000) / 1000) + ' cores'; }

  function millicores(m) { return m ? (m / 1000) + ' cores' : 'no limit'; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) { return '–'; }
    if (seconds < 60) { return seconds + ' s'; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + ' min'; }
    if (seconds < 86400) { return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min'; }
    return Math.floor(seconds / 86400) + ' d ' + Math.floor((seconds % 86400) / 3600) + ' h';
  }

  function ago(iso) {
    if (!iso) { return '–'; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return duration(s) + ' ago';
  }

  function clock(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function toneOfState(s) {
    switch (s) {
      case 'running': return 'ok';
      case 'pending': case 'waking': case 'hibernating': case 'terminating': return 'warn';
      case 'failed': return 'bad';
      case 'hibernated': return 'info';
      default: return 'unknown';
    }
  }

  // ------------------------------------------------------------------------------------------ agent

  function fact(list, term, value, id) {
    list.appendChild(el('dt', null, term));
    var dd = el('dd', id ? { id: id } : null, value === null || value === undefined || value === '' ? '–' : value);
    list.appendChild(dd);
    return dd;
  }

  function renderAgent(a) {
    $('agent-id').textContent = a.agent_id;
    document.title = a.agent_id + ' - StreamSpace agent status';
    $('agent-sub').textContent = (a.role === 'compose_agent' ? 'compose-agent sidecar' : 'Docker host agent') +
      ' ' + a.version + (a.region ? ' · ' + a.region : '');

    var lead = a.leadership;
    var badge = $('leader-badge');
    if (lead.state === 'leader') {
      badge.textContent = 'leader · epoch ' + lead.epoch;
      badge.dataset.tone = 'ok';
    } else if (lead.state === 'standby') {
      badge.textContent = 'standby' + (lead.holder ? ' · leader: ' + lead.holder : '');
      badge.dataset.tone = 'info';
    } else if (lead.state === 'single') {
      badge.textContent = 'leads alone (no HA)';
      badge.dataset.tone = 'ok';
    } else {
      badge.textContent = 'no leadership (' + a.role + ')';
      badge.dataset.tone = 'unknown';
    }
    badge.dataset.state = lead.state;

    var link = a.link;
    var lb = $('link-badge');
    var linkText = { connected: 'control plane connected', connecting: 'connecting to the control plane',
      disconnected: 'control plane disconnected', stopped: 'link stopped', none: 'no control-plane link' };
    lb.textContent = linkText[link.state] || link.state;
    lb.dataset.tone = { connected: 'ok', connecting: 'warn', disconnected: 'bad' }[link.state] || 'unknown';
    lb.dataset.state = link.state;

    var id = $('identity');
    id.textContent = '';
    fact(id, 'Version', a.version);
    fact(id, 'Platform', a.platform + (a.region ? ' · ' + a.region : ''));
    fact(id, 'Mode', a.mode + ' (' + a.control_plane + ')');
    if (a.instance_id) { fact(id, 'Instance', a.instance_id); }
    fact(id, 'Leadership', lead.state === 'single' ? 'leads alone (HA off)' : lead.state +
      (lead.epoch !== null ? ', epoch ' + lead.epoch : '') +
      (lead.holder && lead.state !== 'leader' ? ', held by ' + lead.holder : '') + ' · ' + lead.terms + ' term(s) led',
      'fact-leadership');
    fact(id, 'Link', link.state + (link.since ? ' since ' + ago(link.since) : ''), 'fact-link');
    fact(id, 'Last heartbeat', link.last_heartbeat ? ago(link.last_heartbeat) : 'none yet', 'fact-heartbeat');
    fact(id, 'Reconnects', link.reconnects);
    fact(id, 'Results waiting', link.pending_results);
    if (a.engine) {
      fact(id, 'Docker engine', a.engine.error ? 'unreachable: ' + a.engine.error :
        a.engine.version + ' (API ' + a.engine.api_version + ', via ' + a.engine.via + ')', 'fact-engine');
    } else {
      fact(id, 'Docker engine', 'not read on a standby');
    }
    fact(id, 'Uptime', duration(a.uptime_seconds));

    renderCapacity(a.capacity);
    renderHealth(a);
    renderCommands(a.commands, a.panel_actions);
  }

  function gauge(container, label, used, limit, text) {
    var wrap = el('div', { 'class': 'gauge' });
    var id = 'gauge-' + label.toLowerCase().replace(/[^a-z]/g, '');
    var head = el('div', { 'class': 'gauge-label' });
    head.appendChild(el('span', { id: id + '-label' }, label));
    head.appendChild(el('span', { id: id + '-text' }, text));
    wrap.appendChild(head);
    var pct = limit ? Math.min(100, Math.round(used * 100 / limit)) : 0;
    var bar = el('div', { 'class': 'bar', role: 'progressbar', 'aria-labelledby': id + '-label',
      'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-valuetext': text });
    bar.dataset.tone = pct >= 90 ? 'bad' : pct >= 75 ? 'warn' : 'ok';
    var fill = el('span');
    fill.style.width = pct + '%';
    bar.appendChild(fill);
    wrap.appendChild(bar);
    container.appendChild(wrap);
  }

  function renderCapacity(c) {
    var box = $('capacity');
    box.textContent = '';
    if (!c) { box.appendChild(el('p', { 'class': 'note' }, 'Capacity is shown by the leading replica.')); return; }
    gauge(box, 'Sessions', c.sessions.used, c.sessions.limit, c.sessions.used + ' of ' + (c.sessions.limit || 'no limit'));
    gauge(box, 'CPU', c.cpu_millicores.used, c.cpu_millicores.limit,
      (c.cpu_millicores.used / 1000) + ' of ' + millicores(c.cpu_millicores.limit) + ' reserved');
    gauge(box, 'Memory', c.memory_bytes.used, c.memory_bytes.limit,
      bytes(c.memory_bytes.used) + ' of ' + (c.memory_bytes.limit ? bytes(c.memory_bytes.limit) : 'no limit') + ' reserved');
  }

  function renderHealth(a) {
    var h = $('health');
    h.textContent = '';
    if (a.sidecar) {
      var s = a.sidecar;
      fact(h, 'Sidecar', s.container + ': ' + s.state + (s.failed ? ' (watchdog gave up)' : ''), 'fact-sidecar');
      fact(h, 'Restarts', s.restart_attempts + ' of ' + s.max_restart_attempts);
      if (s.reason) { fact(h, 'Reason', s.reason); }
      fact(h, 'Last restart', s.last_restart ? ago(s.last_restart) : 'never');
    } else {
      fact(h, 'Watchdog', a.mode === 'legacy' ? 'off (legacy mode: no sidecar)' : 'not supervised here', 'fact-sidecar');
    }
    var v = a.vault;
    if (v.enabled) {
      fact(h, 'Vault', v.last_refresh_ok === false ? 'last refresh failed' : 'token refreshed', 'fact-vault');
      fact(h, 'Token age', duration(v.token_age_seconds));
      if (v.last_failure) { fact(h, 'Last failure', v.last_failure); }
    } else {
      fact(h, 'Vault', 'not used', 'fact-vault');
    }
    fact(h, 'Event streams', a.event_subscribers);
  }

  function renderCommands(byPlane, panelActions) {
    var body = $('commands').tBodies[0];
    body.textContent = '';
    var rows = 0;
    Object.keys(byPlane).forEach(function (plane) {
      Object.keys(byPlane[plane]).forEach(function (action) {
        var c = byPlane[plane][action];
        var tr = el('tr');
        tr.appendChild(el('td', null, plane));
        tr.appendChild(el('td', null, action));
        tr.appendChild(el('td', { 'class': 'num' }, c.success));
        tr.appendChild(el('td', { 'class': 'num' }, c.failure));
        body.appendChild(tr);
        rows++;
      });
    });
    Object.keys(panelActions || {}).forEach(function (action) {
      var c = panelActions[action];
      var tr = el('tr');
      tr.appendChild(el('td', null, 'status panel'));
      tr.appendChild(el('td', null, action));
      tr.appendChild(el('td', { 'class': 'num' }, c.success));
      tr.appendChild(el('td', { 'class': 'num' }, c.failure));
      body.appendChild(tr);
      rows++;
    });
    if (!rows) {
      var tr = el('tr');
      tr.appendChild(el('td', { colspan: '4' }, 'No commands answered yet.'));
      body.appendChild(tr);
    }
  }

  // ------------------------------------------------------------------------------------------ sessions

  var COLUMNS = ['Session', 'User', 'Template', 'State', 'CPU', 'Memory', 'Ports', 'Age', 'Last activity', 'Actions'];

  function sortValue(s, key) {
    if (key === 'ports') { return Object.keys(s.ports).length; }
    var v = s[key];
    return v === null || v === undefined ? '' : v;
  }

  function matches(s, f) {
    if (!f) { return true; }
    return [s.session_id, s.user, s.template, s.state, s.image, s.container].some(function (v) {
      return v && String(v).toLowerCase().indexOf(f) >= 0;
    });
  }

  function renderSessions(list) {
    if (list) {
      state.sessions = list.sessions;
      $('sessions-note').textContent = list.unavailable ? list.unavailable :
        'Read ' + (list.source === 'sidecar' ? 'through the compose-agent sidecar' : 'from the Docker engine') +
        ' at ' + clock(list.read_at) + '.';
    }
    var body = $('sessions').tBodies[0];
    body.textContent = '';
    var f = state.filter.trim().toLowerCase();
    var shown = state.sessions.filter(function (s) { return matches(s, f); });
    shown.sort(function (a, b) {
      var x = sortValue(a, state.sortKey), y = sortValue(b, state.sortKey);
      return (x < y ? -1 : x > y ? 1 : 0) * state.sortDir;
    });
    $('session-count').textContent = '(' + shown.length + (shown.length !== state.sessions.length ? ' of ' + state.sessions.length : '') + ')';
    if (!shown.length) {
      var tr = el('tr');
      tr.appendChild(el('td', { colspan: String(COLUMNS.length), 'data-label': '' },
        state.sessions.length ? 'No session matches the filter.' : 'No sessions.'));
      body.appendChild(tr);
      return;
    }
    shown.forEach(function (s) { body.appendChild(sessionRow(s)); });
  }

  function cell(tr, label, content, cls) {
    var td = el('td', { 'data-label': label });
    if (cls) { td.className = cls; }
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content === null || content === undefined ? '–' : content; }
    tr.appendChild(td);
    return td;
  }

  function sessionRow(s) {
    var tr = el('tr', { 'data-session-id': s.session_id });
    var first = el('div');
    first.appendChild(el('span', { 'class': 'mono' }, s.session_id));
    var details = el('details');
    details.open = !!state.openHistories[s.session_id];
    details.addEventListener('toggle', function () { state.openHistories[s.session_id] = details.open; });
    details.appendChild(el('summary', null, 'history (' + s.history.length + ')'));
    var ol = el('ol', { 'class': 'history' });
    s.history.forEach(function (h) {
      ol.appendChild(el('li', null, clock(h.at) + ' ' + h.state + (h.message ? ' - ' + h.message : '')));
    });
    if (!s.history.length) { ol.appendChild(el('li', null, 'no change seen by this agent process')); }
    details.appendChild(ol);
    first.appendChild(details);
    cell(tr, 'Session', first);
    cell(tr, 'User', s.user);
    cell(tr, 'Template', s.template);
    var st = el('span', { 'class': 'state' }, s.state);
    st.dataset.tone = toneOfState(s.state);
    cell(tr, 'State', st, 'state-cell').dataset.state = s.state;
    cell(tr, 'CPU', cores(s.cpu_used_cores) + ' of ' + millicores(s.cpu_requested_millicores), 'num cpu-cell');
    cell(tr, 'Memory', bytes(s.memory_used_bytes) + ' of ' + (s.memory_requested_bytes ? bytes(s.memory_requested_bytes) : 'no limit'), 'num memory-cell');
    var ports = Object.keys(s.ports).map(function (p) { return p + '→' + s.ports[p]; }).join(', ');
    cell(tr, 'Ports', ports || 'none');
    cell(tr, 'Age', duration(s.age_seconds));
    cell(tr, 'Last activity', s.last_activity ? ago(s.last_activity) : '–');
    if (state.actions) {
      var box = el('div');
      actionsFor(s).forEach(function (a) {
        var b = el('button', { type: 'button', 'class': 'act' + (a === 'stop' ? ' danger' : ''),
          'data-action': a, 'aria-label': a + ' session ' + s.session_id }, a);
        b.addEventListener('click', function () { confirmAction(s.session_id, a, b); });
        box.appendChild(b);
      });
      cell(tr, 'Actions', box);
    }
    return tr;
  }

  function actionsFor(s) {
    if (s.state === 'running') { return ['hibernate', 'stop']; }
    if (s.state === 'hibernated') { return ['wake', 'stop']; }
    if (s.state === 'failed') { return ['stop']; }
    return [];
  }

  function confirmAction(sessionId, action, button) {
    var dialog = $('confirm');
    $('confirm-title').textContent = action.charAt(0).toUpperCase() + action.slice(1) + ' session?';
    $('confirm-text').textContent = {
      hibernate: 'Session ' + sessionId + ' will be hibernated: its container stops (or pauses) and its disk is kept.',
      wake: 'Session ' + sessionId + ' will be started again.',
      stop: 'Session ' + sessionId + ' will be stopped and its container removed (its home volume is kept).'
    }[action];
    $('confirm-ok').textContent = action.charAt(0).toUpperCase() + action.slice(1);
    dialog.returnValue = '';
    dialog.onclose = function () {
      if (dialog.returnValue !== 'ok') { button.focus(); return; }
      button.disabled = true;
      fetch('api/v1/sessions/' + encodeURIComponent(sessionId) + '/actions/' + action, {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: '{}'
      }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
        .then(function (r) {
          $('sessions-note').textContent = r.status === 200 ? action + ' of ' + sessionId + ' done.'
            : action + ' of ' + sessionId + ' failed: ' + (r.body.message || r.body.detail || r.status);
          refresh();
        })
        .catch(function (e) { $('sessions-note').textContent = action + ' failed: ' + e.message; })
        .then(function () { button.disabled = false; });
    };
    dialog.showModal();
    $('confirm-cancel').focus();
  }

  // ------------------------------------------------------------------------------------------ events

  function addEvent(e) {
    var list = $('events');
    var li = el('li', { 'data-type': e.type });
    li.appendChild(el('time', { datetime: e.at }, clock(e.at)));
    li.appendChild(el('span', { 'class': 'type' }, e.type.replace(/_/g, ' ')));
    li.appendChild(el('span', { 'class': 'summary' }, e.summary));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_EVENTS) { list.removeChild(list.lastChild); }
  }

  function follow() {
    var live = $('live-badge');
    var source = new EventSource('api/v1/events');
    source.onopen = function () { live.textContent = 'live'; live.dataset.tone = 'ok'; live.dataset.state = 'live'; refresh(); };
    source.onerror = function () { live.textContent = 'reconnecting'; live.dataset.tone = 'warn'; live.dataset.state = 'reconnecting'; };
    source.onmessage = function (m) {
      var e;
      try { e = JSON.parse(m.data); } catch (x) { return; }
      addEvent(e);
      if (REFRESHING_TYPES[e.type]) { refreshSoon(); }
    };
    source.addEventListener('dropped', function () { refreshSoon(); });
  }

  // ------------------------------------------------------------------------------------------ refresh

  function problem(text) {
    var p = $('problem');
    p.hidden = !text;
    p.textContent = text || '';
  }

  function refresh() {
    return Promise.all([getJson('api/v1/agent'), getJson('api/v1/sessions')])
      .then(function (r) { renderAgent(r[0]); renderSessions(r[1]); problem(null); })
      .catch(function (e) { if (e.message !== 'signed out') { problem('Cannot read the agent: ' + e.message); } });
  }

  function refreshSoon() {
    if (state.refreshTimer) { return; }
    state.refreshTimer = setTimeout(function () { state.refreshTimer = null; refresh(); }, 150);
  }

  function setUpTable() {
    var heads = document.querySelectorAll('#sessions th[data-key]');
    Array.prototype.forEach.call(heads, function (th) {
      th.querySelector('button').addEventListener('click', function () {
        var key = th.dataset.key;
        state.sortDir = state.sortKey === key ? -state.sortDir : 1;
        state.sortKey = key;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', state.sortDir > 0 ? 'ascending' : 'descending');
        renderSessions();
      });
    });
    $('filter').addEventListener('input', function (e) { state.filter = e.target.value; renderSessions(); });
  }

  function start() {
    setUpTable();
    getJson('api/v1/whoami').then(function (w) {
      state.actions = !!w.actions;
      document.querySelector('#sessions th.actions-col').hidden = !state.actions;
      $('signout').hidden = !w.token_required;
      document.body.dataset.scope = w.scope;
    }).catch(function () { /* refresh() reports problems */ }).then(function () {
      refresh();
      follow();
      setInterval(refresh, REFRESH_EVERY_MS);
    });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
}());
