// fax-intake: behaviour shared by every page. Loaded as a file: the CSP allows no inline script.
"use strict";

// Every htmx request carries the session's CSRF token, read from the page's meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// Acknowledgement countdowns tick in the browser between refreshes.
function formatLeft(milliseconds) {
  const minutes = Math.floor(Math.abs(milliseconds) / 60000);
  const text = `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
  return milliseconds >= 0 ? text : `overdue ${text}`;
}

function updateCountdowns() {
  const now = Date.now();
  for (const element of document.querySelectorAll(".countdown[data-due]")) {
    if (!element.dataset.due) {
      continue;
    }
    const left = Date.parse(element.dataset.due) - now;
    element.textContent = formatLeft(left);
    element.classList.toggle("overdue", left < 0);
  }
}

setInterval(updateCountdowns, 30000);
document.addEventListener("htmx:afterSwap", updateCountdowns);
