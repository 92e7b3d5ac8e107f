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
});
