/* Autosave for the story form (articles/admin/autosave.py keeps the server side).
 *
 * While someone types, the form is copied every few seconds: first into this browser's
 * localStorage (so a dropped connection loses nothing), then to the server as an unsaved copy
 * that never touches the story. Opening the form again offers the newest copy back. Leaving
 * the page with changes that were not saved as the story asks first.
 */
(function () {
  "use strict";

  var QUIET_MS = 2000; // save this long after the last keystroke…
  var MAX_WAIT_MS = 8000; // …and at least this often while typing goes on
  // Never restored or stored: the CSRF token, the version the page was opened at (it must
  // stay the page's own, or the two-editor guard would judge the wrong version), file inputs.
  // The body-picture box and the kept-upload checkbox are tools, not the story.
  var SKIP = {
    csrfmiddlewaretoken: true, loaded_version: true, pending_lead_image: true,
    pending_lead_image_drop: true, body_figure: true,
  };

  function init() {
    var box = document.getElementById("autosave");
    var form = document.getElementById("article_form");
    if (!box || !form || !box.getAttribute("data-config")) return;
    var config = JSON.parse(box.getAttribute("data-config"));
    var status = document.getElementById("autosave-status");
    box.hidden = false;

    var dirty = false;
    var submitting = false;
    var timer = null;
    var firstChangeAt = null;
    var lastSent = serialize(form);
    var inFlight = false;

    function say(text, kind) {
      status.textContent = text;
      status.className = "autosave__status" + (kind ? " autosave__status--" + kind : "");
    }

    function clock(date) {
      try {
        return new Intl.DateTimeFormat("en-GB", {
          hour: "2-digit", minute: "2-digit", timeZone: config.timeZone,
        }).format(date);
      } catch (error) {
        return date.toTimeString().slice(0, 5);
      }
    }

    function storeLocally(fields) {
      try {
        localStorage.setItem(config.storageKey, JSON.stringify({
          fields: fields, savedAt: new Date().toISOString(), version: config.version,
        }));
        return true;
      } catch (error) {
        return false; // private mode or full: the server copy still goes
      }
    }

    function localCopy() {
      try {
        return JSON.parse(localStorage.getItem(config.storageKey) || "null");
      } catch (error) {
        return null;
      }
    }

    function forgetLocally() {
      try { localStorage.removeItem(config.storageKey); } catch (error) { /* nothing kept */ }
    }

    function changed(event) {
      if (submitting) return;
      if (event && event.target && SKIP[event.target.name]) return;
      dirty = true;
      if (firstChangeAt === null) firstChangeAt = Date.now();
      clearTimeout(timer);
      var wait = Math.max(0, Math.min(QUIET_MS, firstChangeAt + MAX_WAIT_MS - Date.now()));
      timer = setTimeout(save, wait);
    }

    function save() {
      timer = null;
      firstChangeAt = null;
      if (submitting) return;
      var fields = serialize(form);
      var same = JSON.stringify(fields) === JSON.stringify(lastSent);
      if (same && !status.classList.contains("autosave__status--offline")) return;
      var kept = storeLocally(fields);
      if (inFlight) { changed(null); return; }
      inFlight = true;
      var body = new URLSearchParams();
      Object.keys(fields).forEach(function (name) {
        fields[name].forEach(function (value) { body.append(name, value); });
      });
      var version = form.querySelector("[name=loaded_version]");
      if (version) body.append("loaded_version", version.value);
      fetch(config.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) },
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (answer) {
        lastSent = fields;
        if (answer.stale) {
          say(answer.stale, "stale");
        } else {
          say("Unsaved copy kept at " + answer.saved_at + ". Save the story to keep your changes.");
        }
      }).catch(function () {
        say(kept
          ? "Connection lost: your changes are kept in this browser and will be sent when the "
            + "connection returns. Don't close this tab until the story is saved."
          : "Connection lost and this browser cannot keep a copy: don't leave this page.",
        "offline");
      }).then(function () { inFlight = false; });
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // The body editor writes its text into the hidden textarea after each keystroke; the
    // editor's own input events bubble to the form like any other field's.
    window.addEventListener("online", function () { if (dirty) save(); });
    form.addEventListener("submit", function () {
      submitting = true;
      clearTimeout(timer);
      // A refused save comes back with every field filled in, so the browser copy can go.
      forgetLocally();
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || submitting) return;
      event.preventDefault();
      event.returnValue = ""; // older Chromium needs a value to show the prompt
    });

    offerRestore(config, form, localCopy(), {
      restored: function () { dirty = true; changed(null); },
      discarded: function () {
        forgetLocally();
        var body = new URLSearchParams({ discard: "1" });
        fetch(config.url, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(form) },
        }).catch(function () { /* the copy goes with the next save anyway */ });
      },
      clock: clock,
    });
  }

  function offerRestore(config, form, local, callbacks) {
    var offer = config.offer;
    // The browser's copy wins when it is newer: it is what was typed while offline.
    if (local && local.fields && (!offer || local.savedAt > offer.savedAt)) {
      if (JSON.stringify(local.fields) === JSON.stringify(serialize(form))) return;
      offer = {
        fields: local.fields,
        label: callbacks.clock(new Date(local.savedAt)),
        warning: local.version !== null && config.version !== null && local.version < config.version
          ? "It was made before the story's last save: restoring it and saving would replace "
            + "the newer changes, so compare first."
          : "",
      };
    }
    if (!offer) return;
    var panel = document.getElementById("autosave-offer");
    document.getElementById("autosave-offer-text").textContent =
      "You have an unsaved version of this story from " + offer.label + ".";
    var warning = document.getElementById("autosave-offer-warning");
    if (offer.warning) {
      warning.textContent = offer.warning;
      warning.hidden = false;
    }
    var restore = document.getElementById("autosave-restore");
    restore.textContent = "Restore the unsaved version from " + offer.label;
    panel.hidden = false;
    restore.addEventListener("click", function () {
      fill(form, offer.fields);
      panel.hidden = true;
      callbacks.restored();
    });
    document.getElementById("autosave-discard").addEventListener("click", function () {
      panel.hidden = true;
      callbacks.discarded();
    });
  }

  function csrfToken(form) {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // name -> list of values, as the form would send them (files left out); a select's chosen
  // options also keep their labels under "_autosave_label:<name>", because the admin's
  // autocomplete boxes hold only the options chosen when the page was made.
  function serialize(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIP[name] || element.disabled || element.type === "file") return;
      if (element.type === "submit" || element.type === "button") return;
      if (/__prefix__/.test(name)) return; // the inlines' empty template rows
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) return;
      if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.selectedOptions, function (option) {
          (fields[name] = fields[name] || []).push(option.value);
          var key = "_autosave_label:" + name;
          (fields[key] = fields[key] || []).push(option.textContent);
        });
        return;
      }
      (fields[name] = fields[name] || []).push(element.value);
    });
    return fields;
  }

  function fill(form, fields) {
    addInlineRows(form, fields);
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIP[name] || element.type === "file" || /__prefix__/.test(name)) return;
      if (element.type === "submit" || element.type === "button") return;
      var values = fields[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT") {
        var labels = fields["_autosave_label:" + name] || [];
        values.forEach(function (value, index) {
          var exists = Array.prototype.some.call(element.options, function (o) {
            return o.value === value;
          });
          if (!exists) element.add(new Option(labels[index] || value, value));
        });
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (name in fields) {
        element.value = values[0] || "";
        var editor = editors.get(element);
        if (editor) editor.commands.setContent(element.value);
      } else {
        return;
      }
      // Let select2 and the other widgets redraw themselves.
      element.dispatchEvent(new Event("change", { bubbles: true }));
      if (window.django && window.django.jQuery) window.django.jQuery(element).trigger("change");
    });
  }

  // The copy may have more inline rows than the page: press "Add another" until it has them.
  function addInlineRows(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(name);
      if (!match) return;
      var total = form.querySelector("[name='" + name + "']");
      var group = document.getElementById(match[1] + "-group");
      var wanted = parseInt(fields[name][0], 10);
      if (!total || !group) return;
      var guard = 0;
      while (parseInt(total.value, 10) < wanted && guard++ < 200) {
        var add = group.querySelector(".add-row a");
        if (!add) break;
        add.click();
      }
    });
  }

  // The body editor instances, by their textarea (django-prose-editor announces each one).
  var editors = new WeakMap();
  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea, event.detail.editor);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
