// Replaces the theme's 1.5 MB fontawesome.js, which turns icon tags into inline SVG so that
// projects can add custom icons. This book adds none: the theme's CSS draws every icon it uses
// from the Font Awesome web font, so the page needs no script for them.
