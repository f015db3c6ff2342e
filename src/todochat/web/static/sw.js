// todochat's service worker: shows a reminder that arrives by Web Push while no page is open,
// and opens (or focuses) the page when it is clicked.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: "Reminder", body: event.data ? event.data.text() : "" };
  }
  const title = typeof data.title === "string" ? data.title : "Reminder";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      tag: `todochat-delivery-${data.delivery ?? ""}`,
      icon: "/static/icon.svg",
      data: { task: data.task },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname === "/");
      return open ? open.focus() : self.clients.openWindow("/");
    }),
  );
});
