// Loaded after require.js and before the ipywidgets embed manager (embed-amd.js).
// The manager finds its font files next to the URL require.js gives its module; by default
// that is relative to the page. Map it to _static/widgets/, where `make` copies the fonts.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist":
      (document.documentElement.dataset.content_root || "") + "_static/widgets",
  },
});
