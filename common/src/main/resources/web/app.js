// The live page of the sandbox and of the operator: polls api/history for the statuses it has not seen and draws
// them. In the sandbox it also switches the lessons' faults through api/faults, api/worker and api/greeter; the
// operator's page is read-only, for one demo at a time (?demo=<namespace>/<name>, chosen from api/demos).
// Hand-written, no library.
(function () {
  'use strict';
  var POLL_MS = 1000;
  var KEEP = 900;
  var lastSeq = 0;
  var points = []; // {t, s: InteractionDemoStatus}
  var controls = null;
  var failures = 0;
  var demo = new URLSearchParams(window.location.search).get('demo');
  var demoQuery = demo ? '&demo=' + encodeURIComponent(demo) : '';

  var COLORS = { a: '#2b6cb0', b: '#2f855a', c: '#c05621', d: '#805ad5' };
  var CHARTS = [
    { id: 'counts', caption: 'Messages: produced and consumed (Kafka offsets)', series: [
      { name: 'produced', color: COLORS.a, v: function (s) { return s.messages && s.messages.produced; } },
      { name: 'consumed', color: COLORS.b, v: function (s) { return s.messages && s.messages.consumed; } }] },
    { id: 'lag', caption: 'Lag: messages waiting in Kafka', series: [
      { name: 'lag', color: COLORS.c, v: function (s) { return s.messages && s.messages.lag; } }] },
    { id: 'rates', caption: 'Rates (messages per second)', series: [
      { name: 'produced/s', color: COLORS.a, v: function (s) { return s.messages && s.messages.producedPerSecond; } },
      { name: 'consumed/s', color: COLORS.b, v: function (s) { return s.messages && s.messages.consumedPerSecond; } }] },
    { id: 'greeter', caption: 'Greeter call latency seen by the Host (ms)', series: [
      { name: 'p50', color: COLORS.a, v: function (s) { return s.greeter && s.greeter.callLatencyP50Ms; } },
      { name: 'p99', color: COLORS.d, v: function (s) { return s.greeter && s.greeter.callLatencyP99Ms; } }] },
    { id: 'errors', caption: 'Greeter errors (share of calls per interval, %)', series: [
      { name: 'errors %', color: '#c53030', v: function (s) { return s.greeter && s.greeter.errorRate != null ? s.greeter.errorRate * 100 : null; } }] },
    { id: 'e2e', caption: 'End-to-end latency, Host to Worker (ms)', series: [
      { name: 'p50', color: COLORS.b, v: function (s) { return s.delivery && s.delivery.endToEndLatencyP50Ms; } },
      { name: 'p99', color: COLORS.d, v: function (s) { return s.delivery && s.delivery.endToEndLatencyP99Ms; } }] }
  ];
  var NUMBERS = [['produced', 'produced'], ['consumed', 'consumed'], ['lag', 'lag'],
    ['greeter-errors', 'Greeter errors'], ['duplicates', 'duplicates'], ['lost', 'lost']];
  // Conditions where True is the bad news.
  var TRUE_IS_WARNING = { FaultsActive: true };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text != null) { e.textContent = text; }
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function fmt(n) {
    if (n == null || isNaN(n)) { return '?'; }
    var a = Math.abs(n);
    if (a >= 1e6) { return (n / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e4) { return (n / 1e3).toFixed(0) + 'k'; }
    if (a >= 100 || n === Math.round(n)) { return String(Math.round(n)); }
    return n.toFixed(1);
  }

  function poll() {
    fetch('api/history?after=' + lastSeq + demoQuery, { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (body) {
        failures = 0;
        setConnection('live', 'live');
        controls = body.controls;
        (body.entries || []).forEach(function (e) {
          lastSeq = Math.max(lastSeq, e.seq);
          points.push({ t: e.time, s: e.status });
        });
        if (points.length > KEEP) { points.splice(0, points.length - KEEP); }
        render();
      })
      .catch(function () {
        failures++;
        setConnection('lost', document.body.getAttribute('data-lost') || 'no answer');
      })
      .then(function () { setTimeout(poll, failures > 5 ? 5000 : POLL_MS); });
  }

  function setConnection(cls, text) {
    var c = $('connection');
    c.className = 'connection ' + cls;
    c.textContent = text;
  }

  function render() {
    if (controls) {
      $('run').textContent = controls.rate + ' notifications/s, ' + controls.callMode + ' calls, '
        + controls.partitions + ' partitions, ' + controls.workers + (controls.workers === 1 ? ' Worker' : ' Workers') + (controls.scenario !== 'none' ? ', scenario ' + controls.scenario : '') + '.';
      renderButtons();
    }
    if (!points.length) { return; }
    var s = points[points.length - 1].s;
    var m = s.messages || {};
    $('produced').textContent = fmt(m.produced);
    $('consumed').textContent = fmt(m.consumed);
    $('lag').textContent = fmt(m.lag);
    $('greeter-errors').textContent = fmt(s.greeter ? s.greeter.failures : null);
    $('duplicates').textContent = fmt(s.delivery ? s.delivery.duplicates : null);
    $('lost').textContent = fmt(s.delivery ? s.delivery.lost : null);
    renderConditions(s.conditions || []);
    renderFaults(s.faults || []);
    CHARTS.forEach(drawChart);
  }

  function renderConditions(conditions) {
    var box = $('conditions');
    box.textContent = '';
    conditions.forEach(function (c) {
      var good = TRUE_IS_WARNING[c.type] ? c.status === 'False' : c.status === 'True';
      var cls = c.status === 'Unknown' ? 'unknown' : good ? 'ok' : TRUE_IS_WARNING[c.type] ? 'warn' : 'bad';
      var b = el('span', { 'class': 'badge ' + cls, 'data-type': c.type, 'data-status': c.status,
        title: c.type + '=' + c.status + ' (' + c.reason + '): ' + c.message }, c.type + ': ' + c.status);
      box.appendChild(b);
    });
  }

  function renderFaults(faults) {
    var list = $('faults');
    list.textContent = '';
    if (!faults.length) {
      list.appendChild(el('li', { 'class': 'none' }, 'none'));
    }
    faults.forEach(function (f) { list.appendChild(el('li', { 'data-fault': f }, f)); });
  }

  function renderButtons() {
    var w = $('toggle-worker');
    if (!w) { return; } // the operator's page is read-only
    w.textContent = controls.workerRunning ? 'Stop the Worker' : 'Start the Worker';
    w.setAttribute('aria-pressed', String(!controls.workerRunning));
    var g = $('toggle-greeter');
    g.textContent = controls.greeterRunning ? 'Stop the Greeter' : 'Start the Greeter';
    g.setAttribute('aria-pressed', String(!controls.greeterRunning));
    document.querySelectorAll('button[data-fault]').forEach(function (b) {
      var v = controls.faults[b.getAttribute('data-fault')];
      b.setAttribute('aria-pressed', String(v === true || (typeof v === 'number' && v > 0)));
    });
  }

  function post(path, body) {
    $('action-error').textContent = '';
    document.querySelectorAll('.controls button').forEach(function (b) { b.disabled = true; });
    return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.error || ('HTTP ' + r.status)); } return j; }); })
      .then(function (c) { controls = c; render(); })
      .catch(function (e) { $('action-error').textContent = e.message; })
      .then(function () { document.querySelectorAll('.controls button').forEach(function (b) { b.disabled = false; }); });
  }

  document.querySelectorAll('button[data-fault]').forEach(function (b) {
    b.addEventListener('click', function () {
      var name = b.getAttribute('data-fault');
      var on = b.getAttribute('aria-pressed') !== 'true';
      var off = b.getAttribute('data-on') === 'true' ? 'false' : '0';
      post('api/faults', { name: name, value: on ? b.getAttribute('data-on') : off });
    });
  });
  document.querySelectorAll('button[data-part]').forEach(function (b) {
    b.addEventListener('click', function () {
      var part = b.getAttribute('data-part');
      var running = controls ? controls[part + 'Running'] : true;
      post('api/' + part, { running: !running });
    });
  });

  function drawChart(chart) {
    var box = $('chart-' + chart.id);
    var W = Math.max(200, box.clientWidth || 420), H = 150, L = 44, R = 8, T = 8, B = 18;
    box.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    box.textContent = '';
    var t0 = points[0].t, t1 = points[points.length - 1].t;
    var span = Math.max(1, t1 - t0);
    var max = 0;
    chart.series.forEach(function (se) {
      points.forEach(function (p) { var v = se.v(p.s); if (v != null && v > max) { max = v; } });
    });
    max = niceMax(max);
    for (var i = 0; i <= 5; i++) {
      var y = T + (H - T - B) * i / 5;
      box.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, 'class': 'grid' }));
      var label = svg('text', { x: L - 4, y: y + 4, 'text-anchor': 'end' });
      label.textContent = fmt(max * (5 - i) / 5);
      box.appendChild(label);
    }
    var ago = svg('text', { x: L, y: H - 4 });
    ago.textContent = '-' + Math.round(span / 1000) + ' s';
    box.appendChild(ago);
    var now = svg('text', { x: W - R, y: H - 4, 'text-anchor': 'end' });
    now.textContent = 'now';
    box.appendChild(now);
    var legend = $('legend-' + chart.id);
    legend.textContent = '';
    chart.series.forEach(function (se) {
      // A figure with no value (no latency while nothing is delivered) is a gap in its line, never a zero.
      var segments = [[]];
      var last = null;
      points.forEach(function (p) {
        var v = se.v(p.s);
        if (v == null || isNaN(v)) {
          last = null;
          if (segments[segments.length - 1].length > 0) { segments.push([]); }
          return;
        }
        last = v;
        var x = L + (W - L - R) * (points.length === 1 ? 1 : (p.t - t0) / span);
        var y = T + (H - T - B) * (1 - (max === 0 ? 0 : v / max));
        segments[segments.length - 1].push(x.toFixed(1) + ',' + y.toFixed(1));
      });
      segments.forEach(function (coords, i) {
        if (coords.length > 0 || i === 0) {
          box.appendChild(svg('polyline', { points: coords.join(' '), stroke: se.color, 'data-series': se.name }));
        }
      });
      var item = el('span', { style: '--c:' + se.color }, se.name + ' ' + (last == null ? '-' : fmt(last)));
      legend.appendChild(item);
    });
  }

  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
    return 10 * p;
  }

  // The counters and the charts, the same on every page that has their two sections.
  function layout() {
    var numbers = $('numbers');
    NUMBERS.forEach(function (n) {
      var d = el('div', {});
      d.appendChild(el('span', { 'class': 'label' }, n[1]));
      d.appendChild(el('span', { id: n[0], 'class': 'big' }, '0'));
      numbers.appendChild(d);
    });
    var charts = $('charts');
    CHARTS.forEach(function (c) {
      var f = el('figure', { 'class': 'chart' });
      f.appendChild(el('figcaption', {}, c.caption));
      f.appendChild(svg('svg', { id: 'chart-' + c.id }));
      f.appendChild(el('div', { 'class': 'legend', id: 'legend-' + c.id }));
      charts.appendChild(f);
    });
  }

  // The operator's page: the demos it manages, as links; the chosen one is drawn.
  function listDemos() {
    var list = $('demos');
    if (!list) { return; }
    fetch('api/demos', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (demos) {
        list.textContent = '';
        if (!demos.length) { list.appendChild(el('li', { 'class': 'none' }, 'no InteractionDemo yet')); }
        demos.forEach(function (d) {
          var key = d.namespace + '/' + d.name;
          var a = el('a', { href: '?demo=' + encodeURIComponent(key), 'data-demo': key,
            'class': 'badge ' + (d.ready ? 'ok' : 'bad') + (key === demo ? ' chosen' : '') }, key);
          var li = el('li', {});
          li.appendChild(a);
          list.appendChild(li);
        });
        if (!demo && demos.length) { window.location.search = '?demo=' + encodeURIComponent(demos[0].namespace + '/' + demos[0].name); }
      })
      .catch(function () { setConnection('lost', 'the operator does not answer'); })
      .then(function () { setTimeout(listDemos, 5000); });
  }

  window.addEventListener('resize', function () { if (points.length) { CHARTS.forEach(drawChart); } });
  layout();
  listDemos();
  if (demo || !$('demos')) { poll(); }
}());
