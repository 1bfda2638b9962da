// A classic-script loader for pages that can only add `<script src>`: it loads the ES module build
// that sits beside it. Dynamic import() works in classic scripts and under `script-src 'self'`.
(function () {
  var script = document.currentScript;
  var base = script && script.src ? script.src : document.baseURI;
  import(new URL('chat-widget.js', base).href).catch(function (error) {
    console.error('chat-widget: the widget could not be loaded.', error);
  });
})();
