// Progressive enhancement only: every page works without this file.
// "Copy citation" buttons copy the text of the field they name.
document.addEventListener("DOMContentLoaded", () => {
  // "Narrow by" folds above the list on a phone and stands open beside it on a wide screen.
  if (window.matchMedia("(min-width: 48.01rem)").matches) {
    for (const details of document.querySelectorAll("details[data-open-wide]")) details.open = true;
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById("copy-status");
    if (!field) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        field.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = "Citation copied.";
    });
  }
  const box = document.getElementById("q");
  const list = document.getElementById("q-suggestions");
  if (box && list) typeahead(box, list, document.getElementById("q-status"));
});

// Search as you type: an ARIA combobox over GET /v1/suggest. Speakers and outlets open their
// pages; a phrase is searched for. Arrow keys move, Enter takes, Escape closes.
function typeahead(box, list, status) {
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);
  box.setAttribute("aria-expanded", "false");
  let options = [];
  let active = -1;
  let asked = 0;
  let timer = null;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    options = [];
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  };
  const mark = (index) => {
    active = index;
    options.forEach((option, at) => option.element.setAttribute("aria-selected", String(at === index)));
    if (index < 0) {
      box.removeAttribute("aria-activedescendant");
      return;
    }
    box.setAttribute("aria-activedescendant", options[index].element.id);
    options[index].element.scrollIntoView({ block: "nearest" });
  };
  const take = (option) => {
    if (option.href) {
      window.location.assign(option.href);
      return;
    }
    box.value = `"${option.phrase}"`;
    close();
    box.form.requestSubmit();
  };
  const show = (found) => {
    list.replaceChildren();
    options = [];
    const add = (label, kind, extra) => {
      const element = document.createElement("li");
      element.id = `q-suggestion-${options.length}`;
      element.setAttribute("role", "option");
      element.setAttribute("aria-selected", "false");
      element.textContent = label;
      const note = document.createElement("span");
      note.className = "kind";
      note.textContent = kind;
      element.append(note);
      const option = { element, ...extra };
      element.addEventListener("mousedown", (event) => event.preventDefault());
      element.addEventListener("click", () => take(option));
      options.push(option);
      list.append(element);
    };
    for (const speaker of found.speakers) add(speaker.name, "speaker", { href: `/speakers/${encodeURIComponent(speaker.id)}` });
    for (const outlet of found.outlets) add(outlet.name, "outlet", { href: `/outlets/${encodeURIComponent(outlet.id)}` });
    for (const phrase of found.phrases) add(`“${phrase}”`, "phrase", { phrase });
    active = -1;
    const open = options.length > 0;
    list.hidden = !open;
    box.setAttribute("aria-expanded", String(open));
    if (status) status.textContent = open ? `${options.length} suggestion${options.length === 1 ? "" : "s"}` : "";
  };
  const ask = async () => {
    const typed = box.value;
    if (!typed.trim()) {
      close();
      return;
    }
    const mine = ++asked;
    try {
      const answer = await fetch(`/v1/suggest?q=${encodeURIComponent(typed)}`, { headers: { Accept: "application/json" } });
      if (!answer.ok || mine !== asked) return;
      show(await answer.json());
    } catch {
      // No suggestions: the search box works as before.
    }
  };

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      }
      return;
    }
    if (list.hidden || options.length === 0) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      mark((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      mark(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      take(options[active]);
    }
  });
  box.addEventListener("blur", () => setTimeout(close, 150));
}
