// smpsite serve: live reload and the error overlay. Injected into served pages only,
// never into `smpsite build` output.
(() => {
  const script = document.currentScript;
  let shown = Number(script.dataset.generation);
  let overlay = null;
  const show = (text) => {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "smpsite-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#fff;border-top:4px solid #e5484d;" +
        "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap";
      document.body.append(overlay);
    }
    overlay.textContent = "smpsite could not rebuild the site; you are seeing the last good version.\n\n" + text;
  };
  const hide = () => {
    if (overlay) overlay.remove();
    overlay = null;
  };
  // The last build's warnings: a collapsed panel with their count, opened on a click.
  let panel = null;
  const warn = (status) => {
    if (panel) panel.remove();
    panel = null;
    if (!status.warning_count) return;
    panel = document.createElement("details");
    panel.id = "smpsite-warnings";
    panel.style.cssText =
      "position:fixed;right:0;bottom:0;max-width:min(48rem,100vw);max-height:60vh;overflow:auto;" +
      "z-index:2147483646;margin:0;padding:.5rem 1rem;background:#2b2205;color:#fff;" +
      "border-top:4px solid #f5a524;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
    const summary = document.createElement("summary");
    summary.style.cursor = "pointer";
    summary.textContent = status.warning_count === 1 ? "1 warning" : status.warning_count + " warnings";
    const list = document.createElement("pre");
    list.style.cssText = "margin:.5rem 0 0;white-space:pre-wrap";
    const more = status.warning_count - status.warnings.length;
    list.textContent =
      status.warnings.join("\n") + (more > 0 ? "\n… and " + more + " more: run smpsite check" : "");
    panel.append(summary, list);
    document.body.append(panel);
  };
  const events = new EventSource(script.dataset.events);
  events.onmessage = (message) => {
    const status = JSON.parse(message.data);
    if (status.error) return show(status.error);
    hide();
    warn(status);
    if (status.generation <= shown) return;
    if (!status.css_only) return location.reload();
    shown = status.generation;
    // The page names its stylesheet by a fingerprint: take the new names from the
    // page as it is now, and load each afresh.
    fetch(location.href)
      .then((response) => response.text())
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const hrefs = [...fresh.querySelectorAll('link[rel="stylesheet"]')].map((l) => l.getAttribute("href"));
        document.querySelectorAll('link[rel="stylesheet"]').forEach((link, i) => {
          const url = new URL(hrefs[i] || link.href, location.href);
          url.searchParams.set("smpsite", String(status.generation));
          link.href = url.href;
        });
      })
      .catch(() => location.reload());
  };
})();
