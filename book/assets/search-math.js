// Search results quote the page's text, where math is still TeX (\( ... \)). Typeset each
// summary as it is shown: cut math that the quote split at either end, show display math inline.
(function () {
  if (typeof Search === "undefined" || !Search.makeSearchSummary) return;
  var summary = Search.makeSearchSummary;
  Search.makeSearchSummary = function (htmlText, keywords, anchor) {
    var p = summary(htmlText, keywords, anchor);
    if (!p) return p;
    var text = p.textContent.replace(/\\\[/g, "\\(").replace(/\\\]/g, "\\)");
    var open = text.indexOf("\\("), close = text.indexOf("\\)");
    if (close !== -1 && (open === -1 || close < open)) text = "..." + text.slice(close + 2);
    if (text.lastIndexOf("\\(") > text.lastIndexOf("\\)")) text = text.slice(0, text.lastIndexOf("\\(")) + "...";
    p.textContent = text;
    if (window.MathJax && MathJax.startup) {
      MathJax.startup.promise.then(function () { return MathJax.typesetPromise([p]); });
    }
    return p;
  };
})();
