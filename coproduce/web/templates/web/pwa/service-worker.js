/* Coproduce's service worker (served at /service-worker.js; docs/offline.md).
 *
 * It stores only the shell: the style sheet, the offline scripts, the icons and the visits page
 * that holds nobody's details. Participants' details live in IndexedDB, where they expire after
 * a day. Every other request goes to the network untouched: a participant's own pages (/me/),
 * staff pages and every answer with someone's details are never stored by this worker.
 */
"use strict";

const CACHE = "coproduce-shell-{{ version }}";
{% autoescape off %}const SHELL_FILES = {{ shell }};
const VISITS_PAGE = {{ visits_page }};
const VISITS_SHELL = {{ visits_shell }};{% endautoescape %}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("coproduce-shell-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_FILES.includes(url.pathname)) {
    // The shell's files: from the store, so they load with no signal.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit || fetch(request))));
    return;
  }
  if (request.mode === "navigate" && url.pathname === VISITS_PAGE) {
    // Today's visits: the live page when there is signal, the stored shell when there is none.
    // The shell is stored only once the live page opened, i.e. for a signed-in keyworker.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(caches.open(CACHE).then((cache) => cache.add(VISITS_SHELL)).catch(() => undefined));
          return response;
        })
        .catch(() => caches.open(CACHE).then((cache) => cache.match(VISITS_SHELL)).then((hit) => hit || Response.error()))
    );
  }
  // Anything else is not ours to keep: the browser asks the network as if there were no worker.
});
