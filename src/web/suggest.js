// konbit: page titles suggested in the search box as one types, from /_suggest. The box works
// without this script (a plain GET form); with it, a list of the titles one may read appears,
// and choosing one opens its page. Served as /_assets/suggest.js, the only script of the farm.
"use strict";
for (const form of document.querySelectorAll("form.search-box")) {
  const input = form.querySelector("input[name=q]");
  if (!input) continue;
  const list = document.createElement("datalist");
  list.id = "search-suggestions-" + Math.random().toString(36).slice(2);
  form.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  let timer = 0;
  let asked = "";
  let addresses = new Map();
  const ask = async (typed) => {
    asked = typed;
    const wiki = form.dataset.wiki;
    const url = "/_suggest?q=" + encodeURIComponent(typed) +
      (wiki ? "&wiki=" + encodeURIComponent(wiki) : "");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok || input.value.trim() !== typed) return;
      const [, titles, places, links] = await response.json();
      addresses = new Map();
      list.replaceChildren(...titles.map((title, i) => {
        const option = document.createElement("option");
        option.value = title;
        option.label = places[i] || "";
        addresses.set(title, links[i]);
        return option;
      }));
    } catch (_) {
      // No suggestions: the box still searches.
    }
  };
  input.addEventListener("input", (event) => {
    const typed = input.value.trim();
    // A suggestion chosen from the list opens its page.
    const chosen = addresses.get(input.value);
    if (chosen && (!event.inputType || event.inputType === "insertReplacementText")) {
      window.location.assign(chosen);
      return;
    }
    window.clearTimeout(timer);
    if (typed.length < 2) {
      list.replaceChildren();
      asked = "";
      return;
    }
    if (typed !== asked) timer = window.setTimeout(() => ask(typed), 150);
  });
}
