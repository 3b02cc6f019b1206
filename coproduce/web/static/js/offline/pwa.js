/* On every page: registers the service worker, deletes expired visit data, and wipes the phone
 * at sign-out (docs/offline.md). Without JavaScript none of this is needed: nothing is stored. */
(function () {
  "use strict";

  const store = window.CoproduceOffline;
  const script = document.currentScript;

  if ("serviceWorker" in navigator && script && script.dataset.serviceWorker && window.isSecureContext) {
    navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/" }).catch(() => undefined);
  }

  if (store && window.indexedDB) {
    store.exists().then((held) => (held ? store.purgeExpired() : null)).catch(() => undefined);
  }

  document.querySelectorAll("form[data-wipe-offline]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.wiped === "yes" || !store) return;
      event.preventDefault();
      store.outbox()
        .catch(() => [])
        .then((waiting) => {
          if (waiting.length && !window.confirm(`${waiting.length} visit record(s) on this phone have not been sent yet. Signing out deletes them. Sign out anyway?`)) {
            return false;
          }
          return store.wipe().then(() => true, () => true);
        })
        .then((goOn) => {
          if (!goOn) return;
          form.dataset.wiped = "yes";
          form.submit();
        });
    });
  });
})();
