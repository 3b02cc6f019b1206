/* What Coproduce keeps on a phone for today's visits, in IndexedDB (docs/offline.md).
 *
 * Two stores: "visits" holds the one summary from /visits/data.json, which is deleted once it
 * expires (24 hours after the participant was taken on visits); "outbox" holds what the
 * keyworker recorded and has not yet sent. Signing out deletes both, and the stored shell.
 */
(function () {
  "use strict";

  const DATABASE = "coproduce-offline";
  const SHELL_CACHE_PREFIX = "coproduce-shell-";

  function request(idbRequest) {
    return new Promise((resolve, reject) => {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  function open() {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => {
      const db = opening.result;
      db.createObjectStore("visits");
      db.createObjectStore("outbox", { keyPath: "client_id" });
    };
    return request(opening);
  }

  async function run(storeName, mode, action) {
    const db = await open();
    try {
      const transaction = db.transaction(storeName, mode);
      const result = await request(action(transaction.objectStore(storeName)));
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
      return result;
    } finally {
      db.close();
    }
  }

  const store = {
    /* Whether this phone holds any visit data at all: nothing is created on phones that never took any. */
    async exists() {
      if (!indexedDB.databases) return true;
      const names = (await indexedDB.databases()).map((database) => database.name);
      return names.includes(DATABASE);
    },
    getVisits: () => run("visits", "readonly", (s) => s.get("today")),
    putVisits: (data) => run("visits", "readwrite", (s) => s.put(data, "today")),
    deleteVisits: () => run("visits", "readwrite", (s) => s.delete("today")),
    outbox: async () => {
      const items = await run("outbox", "readonly", (s) => s.getAll());
      return items.sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
    },
    putItem: (item) => run("outbox", "readwrite", (s) => s.put(item)),
    deleteItem: (clientId) => run("outbox", "readwrite", (s) => s.delete(clientId)),

    /* Deletes the summary of anyone whose 24 hours are over, and the whole summary once all are. */
    async purgeExpired(now) {
      const moment = (now || new Date()).toISOString();
      const data = await store.getVisits();
      if (!data) return null;
      const kept = data.participants.filter((person) => person.expires_at > moment);
      if (kept.length === 0) {
        await store.deleteVisits();
        return null;
      }
      if (kept.length !== data.participants.length) {
        data.participants = kept;
        await store.putVisits(data);
      }
      return data;
    },

    /* Everything on this phone goes: the summary, the outbox and the stored shell. */
    async wipe() {
      await request(indexedDB.deleteDatabase(DATABASE)).catch(() => undefined);
      if (window.caches) {
        const names = await caches.keys();
        await Promise.all(names.filter((name) => name.startsWith(SHELL_CACHE_PREFIX)).map((name) => caches.delete(name)));
      }
    },
  };

  window.CoproduceOffline = store;
})();
