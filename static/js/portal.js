// Progressive enhancements only: every page works without JavaScript.

// A print button (data-print): shown and wired only with JavaScript; no inline handler, so
// the Content-Security-Policy needs no 'unsafe-inline'.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.classList.remove("d-none");
  button.addEventListener("click", () => window.print());
});
