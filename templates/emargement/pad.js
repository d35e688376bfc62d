// qualikit — signature pad: records each stroke's points (CSS pixels) and posts them as JSON.
// Plain canvas code, no library, no network. Licence: MIT, like qualikit.
(function () {
  "use strict";
  document.querySelectorAll("form.signature").forEach(function (form) {
    var canvas = form.querySelector("canvas.pad");
    var field = form.querySelector("input[name=strokes]");
    var ctx = canvas.getContext("2d");
    var strokes = [], current = null;

    function fit() {
      var ratio = window.devicePixelRatio || 1, box = canvas.getBoundingClientRect();
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#1f2933";
      redraw();
    }
    function redraw() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      strokes.forEach(function (s) {
        ctx.beginPath();
        s.forEach(function (p, i) { if (i) { ctx.lineTo(p[0], p[1]); } else { ctx.moveTo(p[0], p[1]); } });
        if (s.length === 1) { ctx.lineTo(s[0][0] + 0.5, s[0][1]); }
        ctx.stroke();
      });
    }
    function point(e) {
      var box = canvas.getBoundingClientRect();
      return [Math.round((e.clientX - box.left) * 10) / 10, Math.round((e.clientY - box.top) * 10) / 10];
    }
    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      current = [point(e)];
      strokes.push(current);
      redraw();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!current) { return; }
      e.preventDefault();
      current.push(point(e));
      redraw();
    });
    function end() { current = null; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    form.querySelector("button.clear").addEventListener("click", function () { strokes = []; redraw(); });
    form.addEventListener("submit", function (e) {
      var points = strokes.reduce(function (n, s) { return n + s.length; }, 0);
      if (points < 2) { e.preventDefault(); window.alert(form.dataset.empty); return; }
      var box = canvas.getBoundingClientRect();
      field.value = JSON.stringify({w: Math.round(box.width), h: Math.round(box.height), strokes: strokes});
    });
    window.addEventListener("resize", fit);
    fit();
  });
})();
