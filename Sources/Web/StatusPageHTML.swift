/// The status page: one static document whose script polls `/api/status`, `/api/parts` and
/// `/live.jpg` (passing on the page's `?token=`), so the server renders nothing per viewer but
/// JSON and the one cached live JPEG.
enum StatusPageHTML {
    /// The page, refreshing the live view every `liveIntervalMs` milliseconds.
    static func document(liveIntervalMs: Int) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>EagleEdge</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:sans-serif;margin:1em;background:#f4f4f4;color:#222}
        h1{font-size:1.3em;margin:0 0 .5em} h2{font-size:1.1em;margin:.8em 0 .3em}
        .state-ok{color:#0a0}.state-degraded{color:#c80}.state-failed{color:#c00;font-weight:bold}
        #live{max-width:640px;width:100%;background:#000;display:block}
        table{border-collapse:collapse} td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}
        #rejects{display:flex;flex-wrap:wrap;gap:10px}
        figure.reject{margin:0;background:#fff;padding:6px;width:260px}
        .frame{position:relative;width:260px;line-height:0}
        .frame img{width:100%}
        .box{position:absolute;border:2px solid #ff0000;box-sizing:border-box;box-shadow:0 0 0 1px #fff}
        figcaption{font-size:.85em;line-height:1.3;margin-top:4px}
        .explanation{font-style:italic}
        </style></head>
        <body>
        <h1>EagleEdge <span id="overall">…</span> <small id="problems"></small></h1>
        <div style="display:flex;flex-wrap:wrap;gap:20px">
        <div><h2>Live</h2><img id="live" alt="latest frame with the anomaly map and boxes"></div>
        <div><h2>Counters</h2><table id="counters"></table>
        <h2>Latency</h2><table id="latency"></table>
        <h2>Health</h2><table id="health"></table>
        <p><small>updates <span id="updates">0</span>, live frames <span id="frames">0</span></small></p></div>
        </div>
        <h2>Last rejects</h2><div id="rejects"></div>
        <script>
        const token = new URLSearchParams(location.search).get('token');
        const q = (path, more) => { const p = new URLSearchParams(more || {}); if (token) p.set('token', token);
          const s = p.toString(); return s ? path + '?' + s : path; };
        const esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
        const ms = v => v == null ? '–' : v.toFixed(1) + ' ms';
        let updates = 0, frames = 0, shownRejects = '';
        async function status() {
          const s = await (await fetch(q('/api/status'))).json();
          document.getElementById('overall').textContent = s.overall;
          document.getElementById('overall').className = 'state-' + s.overall;
          document.getElementById('problems').textContent = s.problems;
          const v = s.verdicts;
          document.getElementById('counters').innerHTML = [['pass', v.pass], ['reject', v.reject], ['unsure', v.unsure],
            ['not inspected', v.not_inspected], ['parts/s', s.parts_per_second.toFixed(1)], ['uptime', s.uptime_seconds.toFixed(0) + ' s']]
            .map(r => `<tr><th>${r[0]}</th><td class="counter-${r[0].replace(' ', '_')}">${r[1] ?? 0}</td></tr>`).join('');
          document.getElementById('latency').innerHTML = [['p99 (last seconds)', ms(s.recent_p99_ms)], ['p50', ms(s.latency.p50_ms)],
            ['p99', ms(s.latency.p99_ms)], ['max', ms(s.latency.max_ms)]].map(r => `<tr><th>${r[0]}</th><td>${r[1]}</td></tr>`).join('');
          document.getElementById('health').innerHTML = s.health.map(c =>
            `<tr><th>${esc(c.name)}</th><td class="state-${esc(c.state)}">${esc(c.state)}</td><td>${esc(c.detail)}</td></tr>`).join('');
        }
        function reject(p) {
          const boxes = p.boxes.map(b => `<div class="box" data-x="${b.x}" data-y="${b.y}" data-w="${b.width}" data-h="${b.height}" title="${b.score.toFixed(3)}"></div>`).join('');
          const img = p.has_image ? `<img src="${q('/parts/' + p.part_id + '/image.jpg')}" onload="placeBoxes(this)" alt="part ${p.part_id}">` : '<p>no image kept</p>';
          const explanation = p.explanation ? `<div class="explanation">${esc(p.explanation)}</div>` : '';
          return `<figure class="reject" data-part="${p.part_id}"><div class="frame">${img}${boxes}</div><figcaption>part ${p.part_id} · ${esc(p.verdict ?? p.reason)}` +
            ` · score ${p.normalized_score == null ? '–' : p.normalized_score.toFixed(2)}` +
            ` · ${p.reject_outcome ? 'outcome ' + esc(p.reject_outcome) : 'action ' + esc(p.action)}${explanation}</figcaption></figure>`;
        }
        function placeBoxes(img) {
          const w = img.naturalWidth, h = img.naturalHeight;
          img.parentElement.querySelectorAll('.box').forEach(b => {
            b.style.left = (100 * b.dataset.x / w) + '%'; b.style.top = (100 * b.dataset.y / h) + '%';
            b.style.width = (100 * b.dataset.w / w) + '%'; b.style.height = (100 * b.dataset.h / h) + '%';
          });
        }
        async function rejects() {
          const r = await (await fetch(q('/api/parts', {outcome: 'reject', limit: 8}))).json();
          const key = r.parts.map(p => p.part_id + ':' + (p.reject_outcome ?? '') + ':' + (p.explanation ?? '')).join(',');
          if (key !== shownRejects) { shownRejects = key; document.getElementById('rejects').innerHTML = r.parts.map(reject).join(''); }
        }
        async function tick() {
          try { await status(); await rejects(); updates++; document.getElementById('updates').textContent = updates; }
          catch (e) { document.getElementById('overall').textContent = 'unreachable'; }
          setTimeout(tick, 1000);
        }
        const live = document.getElementById('live');
        function nextFrame() { live.src = q('/live.jpg', {n: frames}); }
        live.onload = () => { frames++; document.getElementById('frames').textContent = frames; setTimeout(nextFrame, \(liveIntervalMs)); };
        live.onerror = () => setTimeout(nextFrame, 1000);
        tick(); nextFrame();
        </script></body></html>
        """
    }
}
