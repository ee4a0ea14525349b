// fax-intake review page: boxes over the page images, field focus <-> box highlight, click a
// word to fill the focused field, keyboard shortcuts. Loaded as a file (CSP: no inline script).
"use strict";

(() => {
  const pages = document.getElementById("pages");
  const form = document.getElementById("review-form");
  if (!pages) {
    return;
  }

  // Boxes are fractions of the page; positioning them through the CSSOM needs no inline style.
  for (const element of pages.querySelectorAll("[data-bbox]")) {
    const [x0, y0, x1, y1] = element.dataset.bbox.split(" ").map(Number);
    element.style.left = `${x0 * 100}%`;
    element.style.top = `${y0 * 100}%`;
    element.style.width = `${(x1 - x0) * 100}%`;
    element.style.height = `${(y1 - y0) * 100}%`;
  }

  if (!form) {
    return;
  }

  // The soft lock: taken at the clerk's first edit (viewing leaves the document free),
  // renewed while they work, and given up when they leave the page without acting on it.
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const lockNotice = document.getElementById("lock-notice");
  let holding = form.dataset.holding === "yes";
  let submitting = false;

  async function lockRequest(url) {
    const response = await fetch(url, { method: "POST", headers: { "X-CSRF-Token": csrf } });
    if (response.ok && !response.redirected && lockNotice) {
      // The answer is the server's own escaped notice template.
      lockNotice.innerHTML = await response.text();
    }
  }

  function startHolding(event) {
    if (!holding && event.target instanceof HTMLElement && event.target.name) {
      holding = true;
      lockRequest(form.dataset.lock);
    }
  }

  form.addEventListener("input", startHolding);
  form.addEventListener("change", startHolding);
  form.addEventListener("submit", () => {
    submitting = true;
    clearTimeout(draftTimer);
  });

  // What the clerk types is kept server-side as a draft a moment after they stop typing, and
  // at once when they leave the page: a timeout, Alt+N or a closed tab loses nothing.
  const DRAFT_DELAY_MS = 800;
  let draftTimer = null;
  let draftPending = false;

  async function sendDraft() {
    draftPending = false;
    const response = await fetch(form.dataset.draft, { method: "POST", body: new FormData(form) });
    // A draft is the clerk's activity; its refusal means the session ended: the page stays as
    // it is and says how to go on (app.js).
    if (response.ok) {
      document.dispatchEvent(new Event("intake:touched"));
    } else if (response.status === 401) {
      document.dispatchEvent(new Event("intake:signed-out"));
    }
  }

  function draftSoon(event) {
    if (event.target instanceof HTMLElement && (event.target.name || "").length) {
      draftPending = true;
      clearTimeout(draftTimer);
      draftTimer = setTimeout(sendDraft, DRAFT_DELAY_MS);
    }
  }

  form.addEventListener("input", draftSoon);
  form.addEventListener("change", draftSoon);
  window.addEventListener("pagehide", () => {
    if (draftPending && !submitting) {
      clearTimeout(draftTimer);
      navigator.sendBeacon(form.dataset.draft, new FormData(form));
    }
  });
  setInterval(() => {
    if (holding) {
      lockRequest(form.dataset.renew);
    }
  }, 60000);
  window.addEventListener("pagehide", () => {
    if (holding && !submitting) {
      const body = new FormData();
      body.append("_csrf", csrf);
      navigator.sendBeacon(form.dataset.release, body);
    }
  });

  let focused = null;

  function isValueField(element) {
    return (
      element instanceof HTMLElement &&
      (element.tagName === "INPUT" || element.tagName === "SELECT") &&
      element.type !== "hidden" &&
      element.name &&
      !element.name.startsWith("_")
    );
  }

  function highlight(key) {
    for (const box of pages.querySelectorAll(".box.active")) {
      box.classList.remove("active");
    }
    if (!key) {
      return;
    }
    const box = pages.querySelector(`.box[data-evidence="${CSS.escape(key)}"]`);
    if (box) {
      box.classList.add("active");
      box.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  // The focused field is never left under the sticky action bar or above the pane's top
  // (WCAG 2.4.11): the browser's own scrolling knows nothing of the bar.
  const pane = form.closest(".form-pane");
  const bar = form.querySelector(".actions");
  const REVEAL_MARGIN_PX = 8;

  function reveal(element) {
    if (!pane || !bar || element.closest(".actions")) {
      return;
    }
    const box = element.closest(".field")?.getBoundingClientRect() ?? element.getBoundingClientRect();
    const bottom = bar.getBoundingClientRect().top - REVEAL_MARGIN_PX;
    const top = pane.getBoundingClientRect().top + REVEAL_MARGIN_PX;
    if (box.bottom > bottom) {
      pane.scrollBy(0, Math.min(box.bottom - bottom, box.top - top));
    } else if (box.top < top) {
      pane.scrollBy(0, box.top - top);
    }
  }

  form.addEventListener("focusin", (event) => {
    if (isValueField(event.target)) {
      focused = event.target;
      highlight(focused.dataset.evidence);
      reveal(event.target);
    }
  });

  // A click on a word puts its text in the last focused text field; Shift+click appends it.
  pages.addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    if (!word || !focused || focused.tagName !== "INPUT" || focused.matches(":disabled")) {
      return;
    }
    const text = word.dataset.text;
    focused.value = event.shiftKey && focused.value ? `${focused.value} ${text}` : text;
    focused.dispatchEvent(new Event("input", { bubbles: true }));
    focused.focus();
  });

  function valueFields() {
    return Array.from(form.querySelectorAll("input, select")).filter(
      (element) => isValueField(element) && !element.matches(":disabled"),
    );
  }

  function moveFocus(step) {
    const fields = valueFields();
    if (!fields.length) {
      return;
    }
    const at = fields.indexOf(document.activeElement);
    const from = at === -1 ? fields.indexOf(focused) : at;
    const next = from === -1 ? (step > 0 ? 0 : fields.length - 1) : (from + step + fields.length) % fields.length;
    fields[next].focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      moveFocus(event.key === "ArrowDown" ? 1 : -1);
    } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const approve = document.getElementById("approve");
      if (approve && !approve.matches(":disabled")) {
        event.preventDefault();
        approve.click();
      }
    } else if (event.altKey && event.code === "KeyN") {
      const next = document.getElementById("next-document");
      if (next) {
        event.preventDefault();
        window.location.assign(next.href);
      }
    }
  });
})();
