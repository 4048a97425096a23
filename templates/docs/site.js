// The docs site's only script: search, the theme toggle, copy buttons and the
// contents menu on small screens. No framework and no requests: the search index is
// part of the page. Without this script the page still reads and links work.
"use strict";

(function () {
  const root = document.documentElement;
  root.classList.add("js");

  // ---------------------------------------------------------------- theme
  const themeButton = document.querySelector(".theme");
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
  const isDark = () =>
    root.dataset.theme ? root.dataset.theme === "dark" : systemDark.matches;
  const showTheme = () => themeButton.setAttribute("aria-pressed", String(isDark()));
  themeButton.hidden = false;
  showTheme();
  systemDark.addEventListener("change", showTheme);
  themeButton.addEventListener("click", () => {
    const theme = isDark() ? "light" : "dark";
    root.dataset.theme = theme;
    try {
      localStorage.setItem("theme", theme);
    } catch (error) {
      // Storage may be disabled; the choice then lasts until the page is left.
    }
    showTheme();
  });

  // ---------------------------------------------------------- copy buttons
  for (const button of document.querySelectorAll(".code .copy")) {
    const code = button.closest(".code").querySelector("pre");
    button.hidden = false;
    button.setAttribute("aria-label", "Copy " + button.previousElementSibling.textContent);
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(code.textContent);
        button.textContent = "Copied";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 1500);
    });
  }

  // Regions that scroll sideways must be reachable by keyboard.
  const markScrollable = () => {
    for (const element of document.querySelectorAll("pre, .scroll")) {
      if (element.scrollWidth > element.clientWidth) {
        element.tabIndex = 0;
      } else {
        element.removeAttribute("tabindex");
      }
    }
  };
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // ------------------------------------------------------- contents menu
  const menu = document.querySelector(".menu");
  const toc = document.getElementById("toc");
  menu.hidden = false;
  menu.addEventListener("click", () => {
    const open = !toc.classList.contains("open");
    toc.classList.toggle("open", open);
    menu.setAttribute("aria-expanded", String(open));
  });
  toc.addEventListener("click", (event) => {
    if (event.target.closest("a") && menu.offsetParent !== null) {
      toc.classList.remove("open");
      menu.setAttribute("aria-expanded", "false");
    }
  });

  // ---------------------------------------------------------------- search
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  const entries = JSON.parse(document.getElementById("search-index").textContent).map(
    ([anchor, title, detail, group]) => ({
      anchor, title, detail, group,
      text: (title + " " + detail + " " + anchor).toLowerCase(),
    })
  );
  const groupOrder = { Operations: 0, Models: 1, Guide: 2 };

  const search = (query) => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    return entries
      .filter((entry) => words.every((word) => entry.text.includes(word)))
      .sort((a, b) =>
        (groupOrder[a.group] - groupOrder[b.group]) ||
        (b.title.toLowerCase().startsWith(words[0]) - a.title.toLowerCase().startsWith(words[0]))
      )
      .slice(0, 12);
  };

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
  };

  const show = () => {
    const found = search(input.value);
    list.replaceChildren();
    if (!input.value.trim()) {
      status.textContent = "";
      close();
      return;
    }
    for (const entry of found) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "#" + entry.anchor;
      link.textContent = entry.title;
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = entry.detail;
      link.append(detail);
      item.append(link);
      list.append(item);
    }
    if (found.length === 0) {
      const item = document.createElement("li");
      item.className = "empty";
      item.textContent = "Nothing found";
      list.append(item);
    }
    status.textContent = found.length === 1 ? "1 result" : found.length + " results";
    list.hidden = false;
  };

  input.addEventListener("input", show);
  input.addEventListener("keydown", (event) => {
    const first = list.querySelector("a");
    if (event.key === "Enter" && first) {
      event.preventDefault();
      first.click();
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
    } else if (event.key === "Escape") {
      input.value = "";
      close();
    }
  });
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < links.length - 1) {
      event.preventDefault();
      links[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (index > 0 ? links[index - 1] : input).focus();
    } else if (event.key === "Escape") {
      input.focus();
      close();
    }
  });
  list.addEventListener("click", (event) => {
    if (event.target.closest("a")) close();
  });
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      event.preventDefault();
      input.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".search")) close();
  });
})();
