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

  // Zoom and pan: the sheets are the pane's width times the zoom, and the pane scrolls.
  // Buttons, Ctrl+wheel over the pages, and Alt+plus / Alt+minus / Alt+0 (fit the width).
  const ZOOMS = [1, 1.5, 2, 3, 4];
  const zoomLevel = document.getElementById("zoom-level");
  let zoom = 0;

  function setZoom(index) {
    const next = Math.max(0, Math.min(ZOOMS.length - 1, index));
    // The point at the pane's centre stays where it is.
    const x = (pages.scrollLeft + pages.clientWidth / 2) / pages.scrollWidth;
    const y = (pages.scrollTop + pages.clientHeight / 2) / pages.scrollHeight;
    zoom = next;
    pages.style.setProperty("--zoom", String(ZOOMS[zoom]));
    pages.scrollLeft = x * pages.scrollWidth - pages.clientWidth / 2;
    pages.scrollTop = y * pages.scrollHeight - pages.clientHeight / 2;
    if (zoomLevel) {
      zoomLevel.textContent = `${Math.round(ZOOMS[zoom] * 100)}%`;
    }
  }

  document.getElementById("zoom-in")?.addEventListener("click", () => setZoom(zoom + 1));
  document.getElementById("zoom-out")?.addEventListener("click", () => setZoom(zoom - 1));
  document.getElementById("zoom-fit")?.addEventListener("click", () => setZoom(0));
  pages.addEventListener(
    "wheel",
    (event) => {
      if (event.ctrlKey) {
        event.preventDefault();
        setZoom(zoom + (event.deltaY < 0 ? 1 : -1));
      }
    },
    { passive: false },
  );
  document.addEventListener("keydown", (event) => {
    if (!event.altKey) {
      return;
    }
    const step = { Equal: 1, NumpadAdd: 1, Minus: -1, NumpadSubtract: -1 }[event.code];
    if (step) {
      event.preventDefault();
      setZoom(zoom + step);
    } else if (event.code === "Digit0" || event.code === "Numpad0") {
      event.preventDefault();
      setZoom(0);
    }
  });

  // The viewer opens at the order's first page: a cover sheet may come before it.
  const orderPage = pages.querySelector(`.page[data-page="${CSS.escape(pages.dataset.orderPage || "1")}"]`);
  if (orderPage && orderPage !== pages.querySelector(".page")) {
    pages.scrollTop = orderPage.offsetTop - pages.offsetTop;
  }

  // Print: the fax-back letter alone (see the print rules in app.css).
  document.getElementById("print-fax-back")?.addEventListener("click", () => {
    document.body.classList.add("printing-fax-back");
    window.print();
    document.body.classList.remove("printing-fax-back");
  });

  if (!form) {
    return;
  }

  // Under the focused field, the part of the page its value was read from, magnified: the
  // clerk compares characters without looking across the screen.
  const crop = document.createElement("div");
  crop.className = "value-crop";
  crop.id = "value-crop";
  crop.setAttribute("role", "img");
  crop.setAttribute("aria-label", "Where this value was read on the page, magnified");
  const CROP_MAX_SCALE = 3;
  const CROP_MAX_HEIGHT_PX = 140;

  function showCrop(field) {
    const key = field.dataset.evidence;
    const box = key ? pages.querySelector(`.box[data-evidence="${CSS.escape(key)}"]`) : null;
    const image = box?.closest(".sheet")?.querySelector("img");
    if (!box || !image) {
      crop.remove();
      return;
    }
    field.insertAdjacentElement("afterend", crop);
    const width = Number(image.getAttribute("width"));
    const height = Number(image.getAttribute("height"));
    const [x0, y0, x1, y1] = box.dataset.bbox.split(" ").map(Number);
    const pad = (y1 - y0) * 0.6;
    const left = Math.max(0, x0 - (pad * height) / width);
    const top = Math.max(0, y0 - pad);
    const right = Math.min(1, x1 + (pad * height) / width);
    const bottom = Math.min(1, y1 + pad);
    const room = field.getBoundingClientRect().width;
    const scale = Math.min(CROP_MAX_SCALE, room / ((right - left) * width));
    crop.style.width = `${Math.min(room, (right - left) * width * scale)}px`;
    crop.style.height = `${Math.min(CROP_MAX_HEIGHT_PX, (bottom - top) * height * scale)}px`;
    crop.style.backgroundImage = `url("${image.currentSrc || image.src}")`;
    crop.style.backgroundSize = `${width * scale}px ${height * scale}px`;
    crop.style.backgroundPosition = `${-left * width * scale}px ${-top * height * scale}px`;
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
      showCrop(event.target);
      reveal(event.target);
    }
  });

  function canTakeWords(field) {
    return isValueField(field) && field.tagName === "INPUT" && field.type !== "checkbox" && !field.matches(":disabled");
  }

  // A word put in the last focused text field: its text replaces the value, or is added to it.
  function takeWord(word, append) {
    const text = word.dataset.text;
    focused.value = append && focused.value ? `${focused.value} ${text}` : text;
    focused.dispatchEvent(new Event("input", { bubbles: true }));
    focused.focus();
  }

  // A click on a word fills the last focused text field; Shift+click appends.
  pages.addEventListener("click", (event) => {
    const word = event.target.closest(".word");
    if (word && canTakeWords(focused)) {
      takeWord(word, event.shiftKey);
    }
  });

  // The same from the keyboard: Alt+W in a field goes to the page's words, starting at the one
  // nearest where the field's value was read. Left/Right move word by word in reading order,
  // Up/Down a line; Enter fills the field, Shift+Enter adds to it, Escape goes back unchanged.
  const words = Array.from(pages.querySelectorAll(".word"));

  function centre(element) {
    const rect = element.getBoundingClientRect();
    return { x: (rect.left + rect.right) / 2, y: (rect.top + rect.bottom) / 2, rect };
  }

  function nearest(candidates, point) {
    let best = null;
    let bestDistance = Infinity;
    for (const word of candidates) {
      const at = centre(word);
      const distance = Math.hypot(at.x - point.x, at.y - point.y);
      if (distance < bestDistance) {
        best = word;
        bestDistance = distance;
      }
    }
    return best;
  }

  function firstWordFor(field) {
    const key = field.dataset.evidence;
    const box = key ? pages.querySelector(`.box[data-evidence="${CSS.escape(key)}"]`) : null;
    if (box) {
      return nearest(words, centre(box));
    }
    return (orderPage ?? pages).querySelector(".word") ?? words[0];
  }

  // The word on the next (or previous) line: the closest line in that direction, then the word
  // on it nearest across.
  function wordOnLine(word, step) {
    const here = centre(word);
    const gap = (other) => {
      const rect = other.getBoundingClientRect();
      return step > 0 ? rect.top - here.rect.bottom : here.rect.top - rect.bottom;
    };
    const beyond = words.filter((other) => gap(other) >= -1);
    if (!beyond.length) {
      return word;
    }
    const closest = Math.min(...beyond.map(gap));
    const line = beyond.filter((other) => gap(other) <= closest + here.rect.height / 2);
    return line.reduce((best, other) =>
      Math.abs(centre(other).x - here.x) < Math.abs(centre(best).x - here.x) ? other : best,
    );
  }

  function goToWord(word) {
    if (!word) {
      return;
    }
    word.tabIndex = -1;
    word.setAttribute("role", "button");
    word.setAttribute("aria-label", word.dataset.text);
    word.focus();
  }

  pages.addEventListener("keydown", (event) => {
    const word = event.target.closest?.(".word");
    if (!word) {
      return;
    }
    const at = words.indexOf(word);
    const moves = {
      ArrowRight: () => words[Math.min(at + 1, words.length - 1)],
      ArrowLeft: () => words[Math.max(at - 1, 0)],
      ArrowDown: () => wordOnLine(word, 1),
      ArrowUp: () => wordOnLine(word, -1),
    };
    if (moves[event.key]) {
      event.preventDefault();
      goToWord(moves[event.key]());
    } else if (event.key === "Enter" && canTakeWords(focused)) {
      event.preventDefault();
      takeWord(word, event.shiftKey);
    } else if (event.key === "Escape" && focused) {
      event.preventDefault();
      focused.focus();
    }
  });

  // A suggested HCPCS (the item's name means one code, the order prints none) is taken into
  // the item's HCPCS field with one click; the clerk still saves or approves it.
  form.addEventListener("click", (event) => {
    const use = event.target.closest(".use-suggestion");
    const target = use ? document.getElementById(use.dataset.target) : null;
    if (target) {
      target.value = use.dataset.code;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
    }
  });

  // A refused action brings the page back with the reason: the first value it refused (else
  // the first field marked) gets the focus, and so comes into view, not the top of the form.
  if (document.getElementById("message")) {
    const refused = form.querySelector(".field.p-error :is(input, select):not(:disabled)");
    (refused ?? form.querySelector('[aria-invalid="true"]:not(:disabled)'))?.focus();
  }

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
    } else if (event.altKey && event.code === "KeyW" && canTakeWords(document.activeElement) && words.length) {
      event.preventDefault();
      goToWord(firstWordFor(document.activeElement));
    } else if (event.altKey && event.code === "KeyN") {
      const next = document.getElementById("next-document");
      if (next) {
        event.preventDefault();
        window.location.assign(next.href);
      }
    }
  });
})();
