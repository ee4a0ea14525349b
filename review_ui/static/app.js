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

// The session ends after a stretch without requests. Two minutes before, the page warns and
// offers to stay signed in; typing and clicking count as activity (they touch the session at
// most once a minute), as do the page's own requests (its drafts, "intake:touched").
(() => {
  const idleMeta = document.querySelector('meta[name="session-idle-seconds"]');
  const warning = document.getElementById("idle-warning");
  const signedOut = document.getElementById("signed-out");
  if (!idleMeta || !warning || !signedOut || !Number(idleMeta.content)) {
    return;
  }
  const idleMs = Number(idleMeta.content) * 1000;
  const WARN_BEFORE_MS = 120000;
  const TOUCH_EVERY_MS = 60000;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  let touchedAt = Date.now();

  async function touch() {
    const response = await fetch("/session/touch", {
      method: "POST",
      headers: { "X-CSRF-Token": csrf },
    });
    if (response.ok) {
      document.dispatchEvent(new Event("intake:touched"));
    } else if (response.status === 401) {
      document.dispatchEvent(new Event("intake:signed-out"));
    }
  }

  function check() {
    const idle = Date.now() - touchedAt;
    warning.hidden = !(idle >= idleMs - WARN_BEFORE_MS && idle < idleMs);
    if (idle >= idleMs) {
      document.dispatchEvent(new Event("intake:signed-out"));
    }
  }

  document.addEventListener("intake:touched", () => {
    touchedAt = Date.now();
    check();
  });
  document.addEventListener("intake:signed-out", () => {
    warning.hidden = true;
    signedOut.hidden = false;
  });
  for (const kind of ["keydown", "click"]) {
    document.addEventListener(kind, () => {
      if (Date.now() - touchedAt > TOUCH_EVERY_MS && signedOut.hidden) {
        touch();
      }
    });
  }
  document.getElementById("stay-signed-in")?.addEventListener("click", touch);
  setInterval(check, 5000);
})();

// The queue's refresh replaces its rows: the row the clerk had focused keeps the focus (and
// the page its scroll), so reading down the queue with the keyboard survives a refresh.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target.id !== "queue-rows") {
    return;
  }
  const active = document.activeElement;
  const row = target.contains(active) ? active.closest("tr[data-document]") : null;
  target.dataset.focusDocument = row ? row.dataset.document : "";
});
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const wanted = target.id === "queue-rows" ? target.dataset.focusDocument : "";
  if (wanted) {
    target.querySelector(`tr[data-document="${CSS.escape(wanted)}"] a`)?.focus({ preventScroll: true });
  }
});
