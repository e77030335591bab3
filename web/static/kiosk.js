/* govsearch kiosk — on-screen keyboard, history that does not outlive a patron, idle reset.

   Strangers use the terminal one after another, so nothing of one patron's search may be
   visible to the next:
   * every in-site navigation replaces the current history entry (location.replace), so the
     tab's history never holds the patron's earlier pages for Back to reveal;
   * pages are sent with Cache-Control: no-store (no bfcache copy); a page that is shown
     from a cache anyway after a reset is replaced by the start page;
   * after data-idle-seconds without a touch or key a countdown appears; unless the patron
     extends it, forms and storage are cleared and the start page replaces the current one. */
(function () {
  "use strict";

  var body = document.body;
  var start = body.getAttribute("data-kiosk-start") || "/kiosk";
  var idleSeconds = Math.max(3, parseInt(body.getAttribute("data-idle-seconds"), 10) || 120);
  var warnSeconds = Math.min(30, Math.ceil(idleSeconds / 2));

  function sameSite(url) { return url.origin === window.location.origin; }

  /* -- leaving a page only for one the server will answer ----------------------------------
     A navigation to a server restarting or gone ends on the browser's own error page: in
     English, with no idle reset, and the browser reloads the patron's address (their query in
     it) once the server is back, for the next patron to see (QA pass 40b). So every move —
     a tap on a link, a search, the idle reset — asks the server first (/api/health, any
     answer will do); while it does not answer, the page says so, hidden if it is the reset's,
     and asks again every few seconds; the latest move asked for is made when it answers. */
  var PROBE = "/api/health";
  var PROBE_MS = 4000;
  var RETRY_MS = 3000;
  var wanted = null;
  var retrying = 0;

  function answers() {
    if (!window.fetch) return Promise.resolve(true);
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl ? window.setTimeout(function () { ctl.abort(); }, PROBE_MS) : 0;
    return window.fetch(PROBE, { cache: "no-store", signal: ctl ? ctl.signal : undefined })
      .then(function () { window.clearTimeout(timer); return true; },
            function () { window.clearTimeout(timer); return false; });
  }

  function go(href) {
    wanted = href;
    answers().then(function (up) {
      if (wanted !== href) return; // a later move was asked for meanwhile
      if (up) { window.location.replace(href); return; }
      var note = document.getElementById("kiosk-offline");
      if (note) note.hidden = false;
      if (!retrying) {
        retrying = window.setInterval(function () {
          answers().then(function (back) {
            if (back && wanted) { window.clearInterval(retrying); window.location.replace(wanted); }
          });
        }, RETRY_MS);
      }
    });
  }

  /* -- history: one entry per session ----------------------------------------------------- */
  function initNavigation() {
    document.addEventListener("click", function (e) {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      var a = e.target.closest ? e.target.closest("a[href]") : null;
      if (!a) return;
      var url = new URL(a.getAttribute("href"), window.location.href);
      e.preventDefault();
      if (!sameSite(url)) return; // a kiosk never leaves the site
      if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
        var target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
        if (target) {
          target.scrollIntoView();
          if (target.hasAttribute("tabindex")) target.focus({ preventScroll: true });
        }
        return;
      }
      go(url.href);
    });
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
      e.preventDefault();
      var url = new URL(form.getAttribute("action") || window.location.pathname, window.location.href);
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && (value !== "" || name === "q")) params.append(name, value);
      });
      url.search = params.toString();
      go(url.href);
    });
    // Back on the start page stays on the start page; and Back onto it from a patron's page
    // pushes an entry again, which drops that page from Forward (QA pass 25b: the next patron's
    // Forward opened the previous patron's document, its query marked)
    if (isStartPage()) {
      var state = window.history.state;
      if (!state || !state.kiosk) {
        window.history.replaceState({ kiosk: "base" }, "");
        window.history.pushState({ kiosk: "top" }, "");
      } else if (state.kiosk === "base") {
        window.history.pushState({ kiosk: "top" }, "");
      }
      window.addEventListener("popstate", function () {
        window.history.pushState({ kiosk: "top" }, "");
      });
    }
  }

  function isStartPage() {
    var here = new URL(window.location.href);
    var home = new URL(start, window.location.href);
    return here.pathname === home.pathname && !here.search;
  }

  /* -- on-screen keyboard ----------------------------------------------------------------- */
  /* The keyboard is open on the start page. On a results page it starts closed, or the
     results would open below it (off screen on a 768 px tall terminal); the big 打开键盘
     button beside the box, or a tap on the box, brings it back to refine the query. */
  function initKeyboard() {
    var keyboard = document.getElementById("keyboard");
    var input = document.getElementById("q");
    if (!keyboard || !input) return;
    var form = input.form;
    var toggle = document.getElementById("keyboard-toggle");
    var toggleText = document.getElementById("keyboard-toggle-text");

    function setOpen(open) {
      if (!open && keyboard.contains(document.activeElement) && toggle) toggle.focus();
      keyboard.hidden = !open;
      if (form) form.classList.toggle("search-form--keys-closed", !open);
      if (toggle) {
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        if (toggleText) toggleText.textContent = open ? "收起键盘" : "打开键盘";
      }
      document.dispatchEvent(new CustomEvent("govsearch:keyboard", { detail: { open: open } }));
    }

    setOpen(keyboard.hasAttribute("data-open"));
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the caret
      toggle.addEventListener("click", function () {
        var open = keyboard.hidden;
        if (open && document.activeElement !== input) {
          // type at the end of the query, as the keys do when the box has no focus
          input.focus();
          try { input.setSelectionRange(input.value.length, input.value.length); } catch (err) { /* old engines */ }
        }
        setOpen(open);
      });
    }
    // a tap on the box means "I want to type": the keyboard comes back
    input.addEventListener("click", function () { if (keyboard.hidden) setOpen(true); });
    keyboard.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the caret
    keyboard.addEventListener("click", function (e) {
      var key = e.target.closest ? e.target.closest("button") : null;
      if (!key || key.type === "submit" || key.classList.contains("ime__word")) return;
      var text = key.getAttribute("data-key");
      var action = key.getAttribute("data-action");
      if (action === "script") return; // the input method's own key (initIme)
      var value = input.value;
      var s = input.selectionStart == null ? value.length : input.selectionStart;
      var t = input.selectionEnd == null ? value.length : input.selectionEnd;
      if (document.activeElement !== input) { s = t = value.length; }
      // a key typed past the box's maxlength is not typed, as a keyboard's would not be
      // (QA pass 46b: 600 taps put 600 characters in a box of 500)
      var room = input.maxLength > 0 ? input.maxLength - (value.length - (t - s)) : Infinity;
      if ((text && text.length > room) || (action === "space" && room < 1)) return;
      if (text) {
        input.value = value.slice(0, s) + text + value.slice(t);
        s += text.length;
      } else if (action === "space") {
        input.value = value.slice(0, s) + " " + value.slice(t);
        s += 1;
      } else if (action === "backspace") {
        if (s !== t) { input.value = value.slice(0, s) + value.slice(t); }
        else if (s > 0) { input.value = value.slice(0, s - 1) + value.slice(t); s -= 1; }
      } else if (action === "clear") {
        input.value = "";
        s = 0;
      }
      // a key pressed from the keyboard or a switch (it has the focus: a tap never gives it,
      // mousedown is cancelled above) keeps the focus, so the next letter is a key away, not
      // 25 Tabs (QA pass 41a); a tap puts the caret back in the box, as it was
      if (document.activeElement !== key) {
        input.focus();
        try { input.setSelectionRange(s, s); } catch (err) { /* type=search in old engines */ }
      }
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  /* -- the kiosk's own pinyin input method ----------------------------------------------------
     The letters just before the caret (zhengwu, shbx, xi'an) are looked up in the index's own
     vocabulary (/api/pinyin: words of public documents, most documents first); a tap on a
     candidate puts the word in place of the letters, so any Chinese query can be typed without
     a system IME. The words come from the kiosk's own server: no network beyond it is needed. */
  function initIme() {
    var box = document.getElementById("ime");
    var wordsEl = document.getElementById("ime-words");
    var lettersEl = document.getElementById("ime-letters");
    var hint = document.getElementById("ime-hint");
    var input = document.getElementById("q");
    var url = body.getAttribute("data-pinyin-url");
    var max = parseInt(body.getAttribute("data-pinyin-max"), 10) || 60;
    if (!box || !wordsEl || !input || !url || !window.fetch) return;
    var pending = null;
    var serial = 0;
    // 繁體: the candidates in traditional characters, for this patron only (sessionStorage is
    // cleared by the idle reset)
    var scriptKey = document.querySelector('#keyboard [data-action="script"]');
    var hant = false;
    try { hant = window.sessionStorage.getItem("govsearch.script") === "hant"; } catch (err) { /* off */ }
    function setScript(on) {
      hant = on;
      if (scriptKey) scriptKey.setAttribute("aria-pressed", on ? "true" : "false");
      try {
        if (on) window.sessionStorage.setItem("govsearch.script", "hant");
        else window.sessionStorage.removeItem("govsearch.script");
      } catch (err) { /* storage disabled: this page only */ }
      // ... and the search is ranked for that reader (script=hant), letters typed or words
      // picked (QA pass 32b: tuixiu searched with 繁體 on was ranked for the mainland)
      var form = input.form;
      var field = form ? form.querySelector('input[name="script"]') : null;
      if (on && form && !field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "script";
        form.appendChild(field);
      }
      if (field && on) field.value = "hant";
      else if (field && field.value === "hant") field.remove();
      // ... and so are the life events' questions and the searches a page links to (QA pass
      // 41b: a Taiwan reader's 产假 put 性別平等工作法 41st)
      document.querySelectorAll("a[href]").forEach(function (a) {
        var u;
        try { u = new URL(a.href, window.location.href); } catch (err) { return; }
        if (u.origin !== window.location.origin || u.pathname.indexOf("/documents/") !== -1) return;
        if (u.pathname.indexOf("/events/") === -1 && !u.searchParams.has("q")) return;
        if (on) u.searchParams.set("script", "hant");
        else if (u.searchParams.get("script") === "hant") u.searchParams.delete("script");
        a.setAttribute("href", u.pathname + u.search + u.hash);
      });
    }
    setScript(hant);
    if (scriptKey) {
      scriptKey.addEventListener("click", function () {
        setScript(!hant);
        if (document.activeElement !== scriptKey) input.focus(); // as the other keys
        update();
      });
    }

    function composition() {
      var caret = input.selectionStart == null ? input.value.length : input.selectionStart;
      if (document.activeElement !== input) caret = input.value.length;
      var before = input.value.slice(0, caret);
      // syllables typed apart with the space key stay one stretch (xi an: 西安, as search reads
      // it; QA pass 15 found the bar offering an's words)
      var m = /[A-Za-zü][A-Za-zü' ]*$/.exec(before); // ü: the keyboard's own key
      return m ? { start: caret - m[0].length, end: caret, letters: m[0] } : null;
    }

    var covered = 0; // letters (a–z) the shown words stand for: all, or the first stretch

    function show(comp, words, letters) {
      covered = letters || 0;
      wordsEl.textContent = "";
      lettersEl.textContent = comp ? comp.letters : "";
      if (hint) hint.hidden = !!(comp && words.length);
      words.forEach(function (word) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "ime__word";
        b.textContent = word;
        b.setAttribute("aria-label", "输入 " + word);
        if (hant) b.lang = "zh-Hant"; // read as traditional (QA pass 23e)
        b.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the caret
        b.addEventListener("click", function () { choose(word, document.activeElement === b); });
        wordsEl.appendChild(b);
      });
    }

    function choose(word, focused) {
      var comp = composition();
      if (!comp) return;
      var v = input.value;
      // replace only the letters the word stands for (fangdong of fangdongyajin): the rest
      // stays to be chosen next (it was deleted)
      var end = comp.end;
      if (covered > 0) {
        var seen = 0;
        for (var i = 0; i < comp.letters.length; i++) {
          if (/[A-Za-zü]/.test(comp.letters.charAt(i))) seen++;
          if (seen === covered) { end = comp.start + i + 1; break; }
        }
      }
      input.value = v.slice(0, comp.start) + word + v.slice(end);
      var caret = comp.start + word.length + (comp.end - end); // after the letters kept
      if (focused) {
        // chosen from the keyboard: the word's button goes with the bar it was in, so the
        // focus goes to 搜索, the next step, not back to the box (QA pass 41a)
        var submit = input.form ? input.form.querySelector('[type="submit"]') : null;
        if (submit) submit.focus();
      } else {
        input.focus();
        try { input.setSelectionRange(caret, caret); } catch (err) { /* old engines */ }
      }
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function update() {
      var comp = composition();
      var mine = ++serial;
      if (pending) { pending.abort(); pending = null; }
      if (lettersEl.textContent !== (comp ? comp.letters : "")) {
        // the words shown stand for letters no longer typed: a tap on one before the new
        // words come would replace those letters and leave the rest (zwg's 政务公开 tapped
        // after zwgk gave 政务公开k), so they wait, greyed, for the answer
        wordsEl.querySelectorAll(".ime__word").forEach(function (b) { b.disabled = true; });
      }
      if (!comp || comp.letters.replace(/'/g, "").length === 0) { show(null, []); return; }
      pending = new AbortController();
      var q = new URL(url, window.location.href);
      // At most the API's limit, from the start: the words stand for the first letters of the
      // stretch (a tap replaces those, as choose() counts), and the server reads no more than
      // the head. All the letters of a long sentence got a 422 and an empty bar (QA pass 23a).
      q.searchParams.set("q", comp.letters.slice(0, max).toLowerCase());
      q.searchParams.set("limit", "8");
      if (hant) q.searchParams.set("script", "hant");
      fetch(q.href, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { words: [] }; })
        .then(function (data) {
          if (mine !== serial) return;
          show(comp, (data.words || []).filter(function (w) { return typeof w === "string"; }),
               typeof data.letters === "number" ? data.letters : 0);
        })
        .catch(function (err) {
          // aborted by the next key: nothing to say; the server away: said where the words go
          // (QA pass 25b: the candidates just disappeared, and the next tap showed the
          // browser's English error page)
          if ((err && err.name === "AbortError") || mine !== serial) return;
          show(comp, []);
          wordsEl.textContent = "暂时无法连接服务器，请稍后再试或联系工作人员";
          if (hint) hint.hidden = true;
        });
    }

    var keyboard = document.getElementById("keyboard");
    input.addEventListener("input", update);
    document.addEventListener("govsearch:reset", function () { setScript(false); show(null, []); });
    // candidates only while the keyboard is open (a results page opens with it closed)
    document.addEventListener("govsearch:keyboard", function (e) {
      if (e.detail && e.detail.open) update(); else show(null, []);
    });
    if (!keyboard || !keyboard.hidden) update();
  }

  /* -- idle reset --------------------------------------------------------------------------- */
  function clearTrail() {
    document.querySelectorAll("form").forEach(function (f) { f.reset(); });
    document.querySelectorAll("input[type=search], input[type=text], input[type=date]").forEach(function (i) { i.value = ""; });
    try { window.sessionStorage.clear(); } catch (err) { /* storage disabled */ }
    try { window.localStorage.clear(); } catch (err) { /* storage disabled */ }
    document.dispatchEvent(new Event("govsearch:reset"));
  }

  /* The page is hidden before the start page is asked for: a server that hangs or is gone
     must not leave the patron's document on screen behind a frozen countdown (QA pass 25b).
     Asked again every few seconds until it comes. */
  function reset() {
    clearTrail();
    body.classList.add("kiosk--resetting");
    var note = document.getElementById("kiosk-resetting");
    if (note) note.hidden = false;
    // the address no longer holds the patron's query, should the browser reload it
    try { window.history.replaceState(null, "", start); } catch (err) { /* old engines */ }
    go(start);
    window.setInterval(function () { go(start); }, 5000);
  }

  /* Nothing of anyone's to clear: the start page as it loads — nothing typed, not scrolled,
     the keyboard open, nothing stored (QA pass 25b: 繁體 and a closed keyboard were left to
     the next patron when the last one left from the start page). */
  function pristine() {
    var input = document.getElementById("q");
    var keyboard = document.getElementById("keyboard");
    var stored = 0;
    try { stored = window.sessionStorage.length + window.localStorage.length; } catch (err) { /* off */ }
    return isStartPage() && (!input || !input.value) && window.scrollY === 0 && !stored &&
      (!keyboard || !keyboard.hidden);
  }

  function initIdle() {
    var dialog = document.getElementById("idle-warning");
    var count = document.getElementById("idle-count");
    var extend = document.getElementById("idle-extend");
    var stop = document.getElementById("idle-reset");
    var last = Date.now();
    var opener = null;

    function hideWarning() {
      if (!dialog || dialog.hidden) return;
      dialog.hidden = true;
      if (opener && opener.focus) opener.focus();
    }
    function activity() {
      last = Date.now();
      hideWarning();
    }
    ["pointerdown", "keydown", "touchstart", "wheel", "input"].forEach(function (type) {
      document.addEventListener(type, function (e) {
        if (dialog && !dialog.hidden && dialog.contains(e.target)) return; // the dialog's own buttons decide
        activity();
      }, { passive: true, capture: true });
    });
    if (extend) extend.addEventListener("click", activity);
    if (stop) stop.addEventListener("click", reset);
    if (dialog) {
      // a modal dialog keeps the focus: Tab cycles its two buttons (it went on to the page
      // behind the overlay: QA pass 7), Escape means "still here"
      dialog.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { e.preventDefault(); activity(); return; }
        if (e.key !== "Tab") return;
        var items = [extend, stop].filter(Boolean);
        var at = items.indexOf(document.activeElement);
        e.preventDefault();
        items[e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : (at + 1) % items.length].focus();
      });
    }

    window.setInterval(function () {
      if (pristine()) { last = Date.now(); return; } // nothing of anyone's to clear
      var left = idleSeconds - Math.floor((Date.now() - last) / 1000);
      if (left <= 0) { reset(); return; }
      if (left <= warnSeconds && dialog) {
        if (count) count.textContent = String(left);
        if (dialog.hidden) {
          opener = document.activeElement;
          dialog.hidden = false;
          if (extend) extend.focus();
        }
      }
    }, 250);
  }

  // A page restored from a cache after a reset (or after a patron left) is never shown.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && !isStartPage()) window.location.replace(start);
  });

  /* No long-press menu, no dragging, no selecting of page text: the menu offers to open a link
     in a new tab, save it, or search the web for the words held (leaving the site), and what
     is copied stays on the clipboard for the next patron (QA pass 40b). The query box keeps
     its own selection. Zoom stays: visitors read with it, and the next navigation resets it. */
  function initGuards() {
    function editable(t) { return t && t.closest && t.closest("input, textarea"); }
    ["contextmenu", "dragstart", "selectstart"].forEach(function (type) {
      document.addEventListener(type, function (e) { if (!editable(e.target)) e.preventDefault(); });
    });
  }

  function init() {
    initGuards();
    initNavigation();
    initKeyboard();
    initIme();
    initIdle();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
