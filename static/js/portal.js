// Progressive enhancements only: every page works without JavaScript.

// A print button (data-print): shown and wired only with JavaScript; no inline handler, so
// the Content-Security-Policy needs no 'unsafe-inline'.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.classList.remove("d-none");
  button.addEventListener("click", () => window.print());
});

// The header's menu (partials/header.html) is a <details> that opens and closes without
// JavaScript. Where the summary is shown (a phone), Escape closes it and gives the focus back
// to the summary, and a click or a focus outside the menu closes it.
document.querySelectorAll("details[data-site-menu]").forEach((menu) => {
  const summary = menu.querySelector("summary");
  const shown = () => summary.getClientRects().length > 0;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && shown()) {
      menu.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (menu.open && shown() && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener("focusin", (event) => {
    if (menu.open && shown() && !menu.contains(event.target)) menu.open = false;
  });
});
