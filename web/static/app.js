/* govsearch — progressive enhancement for every page. The pages work without this file:
   it adds the print button and search suggestions (an ARIA 1.2 combobox with a listbox).
   Suggestions are inserted with textContent only, never as HTML. */
(function () {
  "use strict";

  /* What a screen reader should hear that the page shows only by changing a label or opening
     a list (QA pass 41a: a button's new name is not reliably spoken, and the suggestions
     opened in silence): one polite live region per page, made the first time it speaks. */
  var liveRegion = null;
  function say(text) {
    if (!liveRegion) {
      liveRegion = document.createElement("div");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("aria-live", "polite");
      liveRegion.setAttribute("data-said", "");
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = "";
    window.setTimeout(function () { liveRegion.textContent = text; }, 50); // a repeat is said again
  }

  /* A long document asks a second tap, saying how many pages it prints on: on a terminal
     whose browser prints without a dialog, one tap sent 140 pages (QA pass 40b). */
  function initPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      var pages = parseInt(button.getAttribute("data-pages"), 10) || 0;
      var over = parseInt(button.getAttribute("data-confirm-over"), 10) || 0;
      var label = button.textContent;
      var armed = 0;
      button.addEventListener("click", function () {
        if (!over || pages <= over || armed) {
          window.clearTimeout(armed);
          armed = 0;
          button.textContent = label;
          window.print();
          return;
        }
        button.textContent = "全文约 " + pages + " 页，确定打印请再点一次";
        say(button.textContent);
        armed = window.setTimeout(function () { armed = 0; button.textContent = label; }, 6000);
      });
    });
  }

  /* The document's own address (its canonical link), never the search it was opened from:
     shared from the address bar, a link carried the sender's words (QA pass 38a). The
     phone's share sheet where there is one, else the clipboard. */
  function initShare() {
    var link = document.querySelector('link[rel="canonical"]');
    document.querySelectorAll("[data-share]").forEach(function (button) {
      if (!link) return;
      var url = link.href;
      if (!navigator.share && !(navigator.clipboard && navigator.clipboard.writeText)) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (navigator.share) {
          navigator.share({ title: document.title, url: url }).catch(function () {});
          return;
        }
        navigator.clipboard.writeText(url).then(function () {
          button.textContent = "已复制本文链接（不含检索词）";
          say(button.textContent);
        }, function () {
          button.textContent = "无法复制，请复制：" + url;
          say(button.textContent);
        });
      });
    });
  }

  function initSuggest() {
    var input = document.getElementById("q");
    var url = document.body.getAttribute("data-suggest-url");
    var max = parseInt(document.body.getAttribute("data-suggest-max"), 10) || 50;
    if (!input || !url || !window.fetch) return;
    var form = input.form;
    var row = input.parentElement;
    var list = document.createElement("ul");
    list.id = "q-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "检索建议");
    list.hidden = true;
    var keyboard = document.getElementById("keyboard");
    if (keyboard) {
      // kiosk: below the on-screen keyboard, so suggestions never cover or move its keys
      list.classList.add("suggestions--below");
      keyboard.parentNode.insertBefore(list, keyboard.nextSibling);
    } else {
      row.appendChild(list);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var said = 0; // how many suggestions were last announced
    var active = -1;
    var timer = 0;
    var serial = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(text) {
      input.value = text;
      close();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions.map(function (text, i) {
        var li = document.createElement("li");
        li.id = "q-suggestion-" + i;
        li.className = "suggestions__item";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(text); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      if (items.length) {
        if (list.hidden || items.length !== said) say("有 " + items.length + " 条建议，按上下键选择");
        said = items.length;
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        said = 0;
        close();
      }
    }

    function fetchSuggestions() {
      var text = input.value.trim().split(/\s+/).join(" "); // spaces fold, as the server's do
      var mine = ++serial;
      // Past the API's limit (characters, not UTF-16 units) nothing is asked: it answered 422,
      // a console error on every key (QA pass 23a), and the server would complete only the
      // head of the text, not what was typed. Text that long is a query, not a beginning.
      if (!text || Array.from(text).length > max) { close(); return; }
      fetch(url + "?limit=8&q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin"
      }).then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (body) {
          if (mine !== serial) return; // a newer keystroke is on its way
          show((body.suggestions || []).filter(function (s) { return typeof s === "string"; }));
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown" && input.value.trim()) { fetchSuggestions(); e.preventDefault(); }
        return;
      }
      if (e.key === "ArrowDown") { setActive((active + 1) % items.length); e.preventDefault(); }
      else if (e.key === "ArrowUp") { setActive(active <= 0 ? items.length - 1 : active - 1); e.preventDefault(); }
      else if (e.key === "Escape") { close(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { choose(items[active].textContent); e.preventDefault(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 120); });
    form.addEventListener("submit", close);
    document.addEventListener("govsearch:reset", close);
  }

  /* Back and Forward show a page with what was typed into its date boxes before it was left,
     over results the URL says are unfiltered (QA pass 4). The URL is the state: the filter
     forms go back to the values the page was rendered with. (Not the duplicate check's form,
     whose pasted draft is worth keeping.) */
  function initRestoredPages() {
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form.date-range").forEach(function (form) { form.reset(); });
    });
  }

  /* On a phone the reading of the query is folded to its heading, a tap away: open, it pushed
     the first result below the first screen (QA pass 22). Open without script, and wider. */
  function initUnderstood() {
    if (!window.matchMedia || !window.matchMedia("(max-width: 48rem)").matches) return;
    document.querySelectorAll("details.understood").forEach(function (d) { d.open = false; });
  }

  /* A long law holds dozens of matches and the page links only to the first (QA pass 26b: on a
     phone, 33 marks and no way to the next but scrolling). A bar at the screen's foot steps
     through them; a jump link or a tapped mark sets where it counts from. */
  function initMatchNav() {
    var nav = document.querySelector("[data-match-nav]");
    var marks = document.querySelectorAll(".document__text mark");
    if (!nav || marks.length < 2) return;
    var label = nav.querySelector("[data-match-where]");
    var said = nav.querySelector("[data-match-said]");
    var at = -1; // none yet: the bar says 共 N 处 until a step or a jump (QA pass 26c: 第 0 / N)
    function around(mark) {
      // the words either side of the match, for a screen reader: focus stays on the button
      var text = mark.parentNode ? mark.parentNode.textContent : mark.textContent;
      var range = document.createRange();
      range.setStart(mark.parentNode, 0);
      range.setEndBefore(mark);
      var start = range.toString().length;
      return text.slice(Math.max(0, start - 20), start + mark.textContent.length + 20).replace(/\s+/g, " ");
    }
    function show(i, move) {
      if (at >= 0) marks[at].classList.remove("is-current");
      at = (i + marks.length) % marks.length;
      var mark = marks[at];
      mark.classList.add("is-current");
      label.textContent = "第 " + (at + 1) + " / " + marks.length + " 处";
      if (!move) return;
      mark.scrollIntoView({ block: "center" });
      // focus stays on the button, so Enter steps again (QA pass 27a: it went to the mark, and
      // each further step took Tab, Tab, Enter); the live region reads the match in its words
      if (said) said.textContent = label.textContent + "：" + around(mark);
    }
    nav.hidden = false;
    nav.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest("[data-match-step]") : null;
      if (!button) return;
      var step = parseInt(button.getAttribute("data-match-step"), 10);
      // from none: 下一处 is the first, 上一处 the last
      show(at < 0 ? (step > 0 ? 0 : marks.length - 1) : at + step, true);
    });
    function fromHash() {
      var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
      var i = Array.prototype.indexOf.call(marks, target);
      if (i >= 0) show(i, false);
    }
    window.addEventListener("hashchange", fromHash);
    // what keyboard focus lands on is scrolled clear of the bar, never left under it (QA pass
    // 50d: on the kiosk, 跳到第一处 focused sat wholly under the bar, inside the window, so the
    // browser scrolled nothing); a button of the bar itself is where it is
    document.addEventListener("focusin", function (e) {
      if (nav.contains(e.target) || getComputedStyle(nav).position !== "sticky") return;
      var box = e.target.getBoundingClientRect();
      var bar = nav.getBoundingClientRect();
      if (box.bottom > bar.top && box.top < bar.bottom) window.scrollBy(0, box.bottom - bar.top + 8);
    });
    document.querySelectorAll(".document__jump").forEach(function (link) {
      link.addEventListener("click", function () {
        var i = Array.prototype.indexOf.call(marks, document.getElementById(link.getAttribute("href").slice(1)));
        if (i >= 0) show(i, false);
      });
    });
    fromHash();
  }

  // A file over the server's limit is refused before it is sent: the server refuses an
  // oversized body unread, so the pasted text in the same form would come back lost (QA 35c).
  function initFileLimit() {
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var max = parseInt(input.getAttribute("data-max-bytes"), 10);
      function check() {
        var file = input.files && input.files[0];
        input.setCustomValidity(file && file.size > max ? input.getAttribute("data-too-large") : "");
      }
      input.addEventListener("change", function () { check(); input.reportValidity(); });
      check();
    });
  }

  function init() {
    initFileLimit();
    initMatchNav();
    initUnderstood();
    initPrint();
    initShare();
    initSuggest();
    initRestoredPages();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
