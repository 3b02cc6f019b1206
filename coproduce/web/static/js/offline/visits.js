/* Today's visits with no signal (docs/offline.md).
 *
 * Keeps the summary of the people taken on today's visits (from /visits/data.json) on the phone,
 * shows forms for a contact note, a step answer and a progress check, and keeps what is recorded
 * in an outbox until /visits/sync/ has taken it. Each item carries the version it started from;
 * when the server answers 409, both versions are shown side by side and the keyworker chooses:
 * nothing is sent over someone else's change, and nothing is dropped without the keyworker saying so.
 */
(function () {
  "use strict";

  const store = window.CoproduceOffline;
  const app = document.getElementById("offline-app");
  if (!app || !store || !window.indexedDB) return;

  const dataUrl = app.dataset.dataUrl;
  const syncUrl = app.dataset.syncUrl;
  const connection = document.getElementById("offline-connection");
  const outboxArea = document.getElementById("offline-outbox");
  const peopleArea = document.getElementById("offline-people");
  const LOCAL_FIELDS = ["status", "message", "theirs", "participant_name", "summary", "recorded_at"];
  let data = null;
  let outbox = [];
  let syncing = false;
  let signInNeeded = false;

  /* A small element builder: attributes, then children (text or elements). Text is never parsed as HTML. */
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : String(value));
    });
    children.flat().forEach((child) => {
      if (child === null || child === undefined || child === false) return;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return element;
  }

  function today() {
    const now = new Date();
    return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  }

  function time(isoText) {
    return new Date(isoText).toLocaleString("en-GB", { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function label(list, value) {
    const found = (list || []).find((choice) => choice.value === value);
    return found ? found.label : value;
  }

  function choices(name) {
    return (data && data.choices && data.choices[name]) || [];
  }

  /* ---- Fetching today's summary ---- */

  async function refresh() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(dataUrl, { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } });
      if (response.ok) {
        await store.putVisits(await response.json());
        signInNeeded = false;
      } else if (response.type === "opaqueredirect") {
        signInNeeded = true;
      }
    } catch (error) {
      // No signal after all: what is on the phone is shown instead.
    }
  }

  async function load() {
    data = await store.purgeExpired();
    outbox = await store.outbox();
    render();
  }

  /* ---- The outbox ---- */

  async function record(item) {
    const full = { client_id: newId(), recorded_at: new Date().toISOString(), status: "waiting", ...item };
    await store.putItem(full);
    await load();
    sync();
  }

  function payload(item) {
    const body = {};
    Object.entries(item).forEach(([name, value]) => {
      if (!LOCAL_FIELDS.includes(name)) body[name] = value;
    });
    return body;
  }

  function person(participantId) {
    return data ? data.participants.find((candidate) => candidate.id === participantId) : null;
  }

  async function applied(item, values) {
    if (!data) return;
    const who = person(item.participant);
    if (item.kind === "step_answer") {
      data.participants.forEach((candidate) => {
        candidate.steps = candidate.steps
          .map((step) => (step.id === values.id ? { ...step, state: values.state, state_label: values.state_label, version: values.version, answers: values.state === "agreed" ? [{ value: "done", label: "It is done" }] : [] } : step))
          .filter((step) => step.state === "offered" || step.state === "agreed");
      });
    } else if (item.kind === "progress_check" && who) {
      who.latest_progress_check = values;
    }
    await store.putVisits(data);
  }

  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      for (const item of await store.outbox()) {
        if (item.status !== "waiting") continue;
        let response;
        try {
          response = await fetch(syncUrl, {
            method: "POST",
            credentials: "same-origin",
            redirect: "manual",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(payload(item)),
          });
        } catch (error) {
          break; // The signal went again: the rest wait for the next time.
        }
        if (response.type === "opaqueredirect" || response.status === 0) {
          signInNeeded = true;
          break;
        }
        let answer = {};
        try {
          answer = await response.json();
        } catch (error) {
          answer = { message: "The server did not answer properly. It will be tried again." };
        }
        if (response.ok) {
          await store.deleteItem(item.client_id);
          await applied(item, answer.values || {});
        } else if (response.status === 409) {
          await store.putItem({ ...item, status: "conflict", message: answer.message, theirs: answer.theirs });
        } else if (response.status >= 500 || response.status === 403 && !answer.status) {
          break; // The server's trouble, or the sign-in lapsed: kept as it is, tried again later.
        } else {
          await store.putItem({ ...item, status: "refused", message: answer.message || `Not accepted (${response.status}).` });
        }
      }
    } finally {
      syncing = false;
      await load();
    }
  }

  async function settle(item, changes) {
    await store.putItem({ ...item, ...changes, status: "waiting", message: "", theirs: undefined });
    await load();
    sync();
  }

  async function keepTheirs(item) {
    await store.deleteItem(item.client_id);
    if (item.kind === "step_answer" && item.theirs) await applied(item, item.theirs);
    if (item.kind === "progress_check" && item.theirs) await applied(item, item.theirs);
    await load();
  }

  /* ---- Showing things ---- */

  function itemTitle(item) {
    const who = item.participant_name || "";
    if (item.kind === "contact") return `Contact note for ${who}, ${item.happened_on}`;
    if (item.kind === "step_answer") return `Step answer for ${who}: ${item.summary || ""}`;
    return `Progress check for ${who}, ${item.checked_on}`;
  }

  function answerText(answer, reason) {
    const names = { agree: "They agreed", decline: "They said no thanks", done: "It is done" };
    return `${names[answer] || answer}${reason ? `: “${reason}”` : ""}`;
  }

  function scoresList(scores) {
    const areas = choices("progress_area");
    const names = areas.length ? areas : Object.keys(scores || {}).map((value) => ({ value, label: value }));
    return h("ul", { class: "govuk-list govuk-body-s" }, names.map((area) => {
      const value = scores ? scores[area.value] : undefined;
      const score = value && typeof value === "object" ? value.score : value;
      return h("li", {}, `${area.label}: ${score === undefined ? "–" : score}`);
    }));
  }

  function sideBySide(item) {
    const theirs = item.theirs;
    let mine;
    let server;
    if (item.kind === "step_answer") {
      mine = h("p", { class: "govuk-body" }, answerText(item.answer, item.reason));
      server = theirs
        ? h("p", { class: "govuk-body" }, `${theirs.state_label}${theirs.decline_reason ? `: “${theirs.decline_reason}”` : ""}${theirs.wants_to_talk ? " (they want to talk about it first)" : ""}`)
        : h("p", { class: "govuk-body" }, "Not there any more.");
    } else {
      mine = h("div", {}, h("p", { class: "govuk-body-s" }, `${item.checked_on}, ${label(choices("progress_reader"), item.reader)}`), scoresList(item.scores));
      server = theirs
        ? h("div", {}, h("p", { class: "govuk-body-s" }, `${theirs.checked_on}, ${label(choices("progress_reader"), theirs.reader)}`), scoresList(theirs.scores))
        : h("p", { class: "govuk-body" }, "Nothing.");
    }
    return h("div", { class: "cp-side-by-side" },
      h("div", { class: "cp-side-by-side__column" }, h("h4", { class: "govuk-heading-s" }, "Yours, recorded on this phone"), mine),
      h("div", { class: "cp-side-by-side__column" }, h("h4", { class: "govuk-heading-s" }, "Now on the server"), server));
  }

  function changeMineForm(item) {
    const prefix = `change-${item.client_id}`;
    if (item.kind === "step_answer") {
      const reason = h("textarea", { class: "govuk-textarea", id: `${prefix}-reason`, name: "reason", rows: 2 });
      reason.value = item.reason || "";
      const options = [["agree", "They agreed"], ["decline", "They said no thanks"], ["done", "It is done"]];
      return h("form", { class: "cp-offline-form", onsubmit: (event) => {
        event.preventDefault();
        const chosen = event.target.querySelector("input[name=answer]:checked");
        settle(item, { answer: chosen ? chosen.value : item.answer, reason: reason.value, version: item.theirs ? item.theirs.version : item.version });
      } },
      h("fieldset", { class: "govuk-fieldset" }, h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Your answer"),
        options.map(([value, text]) => h("div", { class: "govuk-radios__item" },
          h("input", { class: "govuk-radios__input", type: "radio", name: "answer", id: `${prefix}-${value}`, value, checked: value === item.answer }),
          h("label", { class: "govuk-label govuk-radios__label", for: `${prefix}-${value}` }, text)))),
      h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label", for: `${prefix}-reason` }, "Their reason, if they gave one"), reason),
      h("button", { type: "submit", class: "govuk-button" }, "Send this answer"));
    }
    const form = h("form", { class: "cp-offline-form", onsubmit: (event) => {
      event.preventDefault();
      const scores = {};
      choices("progress_area").forEach((area) => { scores[area.value] = Number(event.target.elements[`score_${area.value}`].value); });
      settle(item, { scores, based_on: item.theirs ? item.theirs.id : item.based_on });
    } });
    choices("progress_area").forEach((area) => {
      const theirs = item.theirs && item.theirs.scores ? item.theirs.scores[area.value] : undefined;
      form.append(scoreSelect(`${prefix}-${area.value}`, `score_${area.value}`, `${area.label}${theirs ? ` (on the server: ${theirs})` : ""}`, item.scores[area.value]));
    });
    form.append(h("button", { type: "submit", class: "govuk-button" }, "Send this check"));
    return form;
  }

  function outboxEntry(item) {
    const entry = h("li", { class: "cp-outbox__item", "data-kind": item.kind }, h("p", { class: "govuk-body govuk-!-font-weight-bold" }, itemTitle(item)));
    if (item.status === "waiting") {
      entry.append(h("p", { class: "govuk-body-s" }, "Waiting for a signal to send."));
    } else if (item.status === "conflict") {
      entry.append(h("p", { class: "govuk-body" }, item.message || "Someone changed this meanwhile."), sideBySide(item));
      const editor = h("div", { hidden: true }, changeMineForm(item));
      entry.append(h("div", { class: "govuk-button-group" },
        h("button", { type: "button", class: "govuk-button", onclick: () => settle(item, item.kind === "step_answer" ? { version: item.theirs ? item.theirs.version : item.version } : { based_on: item.theirs ? item.theirs.id : item.based_on }) }, "Keep mine"),
        h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: () => keepTheirs(item) }, "Keep theirs"),
        h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: () => { editor.hidden = false; } }, "Change mine")), editor);
    } else {
      entry.append(h("p", { class: "govuk-body" }, `Not accepted: ${item.message}`),
        h("p", { class: "govuk-body-s" }, "It stays here so nothing is lost: record it on the full page when you can, then delete it here."),
        h("button", { type: "button", class: "govuk-button govuk-button--warning", onclick: async () => { await store.deleteItem(item.client_id); await load(); } }, "Delete from this phone"));
    }
    return entry;
  }

  function renderOutbox() {
    outboxArea.replaceChildren(
      h("h3", { class: "govuk-heading-s", id: "offline-waiting" }, `Waiting to send: ${outbox.length}`),
      outbox.length ? h("ul", { class: "govuk-list cp-outbox" }, outbox.map(outboxEntry)) : h("p", { class: "govuk-body-s" }, "Nothing is waiting: everything you recorded has been sent."),
      outbox.some((item) => item.status === "waiting") && navigator.onLine
        ? h("button", { type: "button", class: "govuk-button govuk-button--secondary", onclick: () => sync() }, "Send now")
        : null);
  }

  function field(id, text, control, hint) {
    return h("div", { class: "govuk-form-group" }, h("label", { class: "govuk-label", for: id }, text), hint ? h("div", { class: "govuk-hint", id: `${id}-hint` }, hint) : null, control);
  }

  function select(id, name, list, chosen) {
    return h("select", { class: "govuk-select", id, name }, list.map((choice) => h("option", { value: choice.value, selected: choice.value === chosen }, choice.label)));
  }

  function scoreSelect(id, name, text, chosen) {
    const numbers = Array.from({ length: 10 }, (_, index) => ({ value: String(index + 1), label: String(index + 1) }));
    return field(id, text, select(id, name, numbers, chosen === undefined ? "5" : String(chosen)));
  }

  function contactForm(who) {
    const prefix = `p${who.id}-contact`;
    return h("form", { class: "cp-offline-form", onsubmit: (event) => {
      event.preventDefault();
      const form = event.target.elements;
      record({ kind: "contact", participant: who.id, participant_name: who.name, happened_on: form.happened_on.value, duration_minutes: form.duration_minutes.value ? Number(form.duration_minutes.value) : null, notes: form.notes.value, contact_kind: form.contact_kind.value });
    } },
    h("h4", { class: "govuk-heading-s" }, "Record a contact note"),
    field(`${prefix}-date`, "Date", h("input", { class: "govuk-input govuk-input--width-10", type: "date", id: `${prefix}-date`, name: "happened_on", value: today(), max: today(), required: true })),
    field(`${prefix}-kind`, "Kind of contact", select(`${prefix}-kind`, "contact_kind", choices("contact_kind"), "home_visit")),
    field(`${prefix}-minutes`, "How many minutes (optional)", h("input", { class: "govuk-input govuk-input--width-4", type: "number", min: 1, max: 1440, inputmode: "numeric", id: `${prefix}-minutes`, name: "duration_minutes" })),
    field(`${prefix}-notes`, "Notes", h("textarea", { class: "govuk-textarea", id: `${prefix}-notes`, name: "notes", rows: 4 })),
    h("button", { type: "submit", class: "govuk-button" }, "Save the note"));
  }

  function stepForm(who, step) {
    const waiting = outbox.find((item) => item.kind === "step_answer" && item.step === step.id);
    const heading = h("p", { class: "govuk-body" }, h("strong", {}, step.description), ` (${step.goal}) `, h("strong", { class: "govuk-tag govuk-tag--grey" }, step.state_label));
    if (waiting) return h("li", { class: "cp-step" }, heading, h("p", { class: "govuk-body-s" }, `Your answer is on this phone: ${answerText(waiting.answer, waiting.reason)}.`));
    if (!step.answers.length) return h("li", { class: "cp-step" }, heading);
    const prefix = `step${step.id}`;
    return h("li", { class: "cp-step" }, heading, h("form", { class: "cp-offline-form", onsubmit: (event) => {
      event.preventDefault();
      const chosen = event.target.querySelector("input[name=answer]:checked");
      if (!chosen) return;
      record({ kind: "step_answer", participant: who.id, participant_name: who.name, summary: step.description, step: step.id, version: step.version, answer: chosen.value, reason: event.target.elements.reason ? event.target.elements.reason.value : "", answered_how: "in_person" });
    } },
    h("fieldset", { class: "govuk-fieldset" }, h("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Their answer"),
      h("div", { class: "govuk-radios govuk-radios--small" }, step.answers.map((answer) => h("div", { class: "govuk-radios__item" },
        h("input", { class: "govuk-radios__input", type: "radio", name: "answer", id: `${prefix}-${answer.value}`, value: answer.value }),
        h("label", { class: "govuk-label govuk-radios__label", for: `${prefix}-${answer.value}` }, answer.label))))),
    step.state === "offered" ? field(`${prefix}-reason`, "If they said no: their reason, if they gave one", h("textarea", { class: "govuk-textarea", id: `${prefix}-reason`, name: "reason", rows: 2 })) : null,
    h("button", { type: "submit", class: "govuk-button" }, "Save the answer")));
  }

  function progressForm(who) {
    const prefix = `p${who.id}-progress`;
    const form = h("form", { class: "cp-offline-form", onsubmit: (event) => {
      event.preventDefault();
      const scores = {};
      choices("progress_area").forEach((area) => { scores[area.value] = Number(event.target.elements[`score_${area.value}`].value); });
      const latest = who.latest_progress_check;
      record({ kind: "progress_check", participant: who.id, participant_name: who.name, checked_on: today(), reader: event.target.elements.reader.value, scores, based_on: latest ? latest.id : null });
    } },
    field(`${prefix}-reader`, "Whose reading is it?", select(`${prefix}-reader`, "reader", choices("progress_reader"), "participant")));
    choices("progress_area").forEach((area) => {
      const before = who.latest_progress_check ? who.latest_progress_check.scores[area.value] : undefined;
      form.append(scoreSelect(`${prefix}-${area.value}`, `score_${area.value}`, `${area.label}, from 1 to 10${before ? ` (last time: ${before})` : ""}`, before));
    });
    form.append(h("button", { type: "submit", class: "govuk-button" }, "Save the progress check"));
    return h("details", { class: "govuk-details" }, h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "Record a progress check")), h("div", { class: "govuk-details__text" }, form));
  }

  function personCard(who) {
    return h("article", { class: "cp-visit-card", "aria-labelledby": `offline-person-${who.id}` },
      h("h3", { class: "govuk-heading-m", id: `offline-person-${who.id}` }, who.name, " ", h("span", { class: "cp-muted govuk-body-s" }, who.reference)),
      who.interpreter_language ? h("p", { class: "govuk-body" }, h("strong", { class: "govuk-tag govuk-tag--blue" }, `Needs an interpreter: ${who.interpreter_language}`)) : null,
      h("p", { class: "govuk-body-s" }, `On this phone until ${time(who.expires_at)}.`),
      h("h4", { class: "govuk-heading-s" }, "Appointments"),
      who.appointments.length
        ? h("ul", { class: "govuk-list govuk-body-s" }, who.appointments.map((appointment) => h("li", {}, `${time(appointment.starts_at)}, ${appointment.place}${appointment.place_details ? ` (${appointment.place_details})` : ""}${appointment.childcare_needed ? ", childcare needed" : ""}`)))
        : h("p", { class: "govuk-body-s" }, "None booked."),
      h("h4", { class: "govuk-heading-s" }, "Open steps"),
      who.steps.length ? h("ul", { class: "govuk-list" }, who.steps.map((step) => stepForm(who, step))) : h("p", { class: "govuk-body-s" }, "No open steps."),
      contactForm(who),
      progressForm(who));
  }

  function render() {
    app.hidden = false;
    const online = navigator.onLine;
    connection.textContent = signInNeeded
      ? "Sign in again to send what is waiting and to refresh today’s visits."
      : online
        ? "You have signal: what you record is sent straight away."
        : "No signal: what you record is kept on this phone and sent when the signal returns.";
    renderOutbox();
    if (!data || !data.participants.length) {
      peopleArea.replaceChildren(h("p", { class: "govuk-body" }, "Nobody’s details are on this phone. Take people on today’s visits while you have signal."));
      return;
    }
    // Keep what someone is typing: only redraw the people when nobody is in one of their forms.
    if (peopleArea.contains(document.activeElement) && document.activeElement.tagName !== "BUTTON") return;
    peopleArea.replaceChildren(...data.participants.map(personCard));
  }

  window.addEventListener("online", async () => {
    render();
    await sync();
    await refresh();
    await load();
  });
  window.addEventListener("offline", render);

  (async () => {
    await refresh();
    await load();
    await sync();
  })();
})();
