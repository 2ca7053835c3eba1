// disclose serve: live updates of the index and of a department's pages.
// The document frame runs no script (sandbox): this page fills it.
(() => {
  "use strict";
  const body = document.body;
  const live = document.getElementById("live");

  function connect(onMessage, about) {
    const source = new EventSource("/events" + (about ? "?d=" + encodeURIComponent(about) : ""));
    source.onopen = () => { if (live) { live.classList.remove("off"); live.title = "文件保存后自动刷新"; } onMessage(null); };
    source.onerror = () => { if (live) { live.classList.add("off"); live.title = "与预览服务的连接已断开，正在重试…"; } };
    source.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      onMessage(message);
    };
  }

  // One request at a time; a change during a request asks again when it ends.
  function serial(task) {
    let running = false, again = false;
    return async function run() {
      if (running) { again = true; return; }
      running = true;
      try { await task(); } catch (e) { /* the next event retries */ }
      finally { running = false; if (again) { again = false; run(); } }
    };
  }

  if (body.dataset.view === "index") {
    const rows = document.getElementById("rows");
    const reload = serial(async () => {
      const response = await fetch("/rows", { cache: "no-store" });
      if (response.ok) rows.innerHTML = await response.text();
    });
    connect(() => reload());
    return;
  }
  if (body.dataset.view !== "department") return;

  const id = body.dataset.id;
  const frame = document.getElementById("doc");
  const problems = document.getElementById("problems");
  const notice = document.getElementById("notice");
  const paging = document.getElementById("paging");
  let shown = [];
  const frameReady = new Promise((resolve) => {
    const doc = frame.contentDocument;
    if (doc && doc.readyState === "complete" && doc.getElementById("dz-format-css")) resolve();
    else frame.addEventListener("load", () => resolve(), { once: true });
  });

  function apply(view) {
    document.getElementById("title").textContent = view.title;
    document.title = view.title + " · 部门预算公开预览";
    document.getElementById("status").innerHTML = view.status;
    paging.textContent = view.paging;
    paging.classList.toggle("exact", view.exact);
    problems.innerHTML = view.problems;
    problems.hidden = !view.problems;
    notice.textContent = view.notice;
    notice.hidden = !view.notice;
    for (const link of [document.getElementById("pdf"), document.getElementById("docx")]) {
      link.classList.toggle("disabled", !view.downloads);
      link.setAttribute("aria-disabled", String(!view.downloads));
      link.title = view.downloads ? "由本机生成，与 disclose build 的文件完全相同" : "文件有错误，改正后才能下载";
    }
    const doc = frame.contentDocument;
    const css = doc.getElementById("dz-format-css");
    if (view.css && css && !css.href.endsWith("v=" + view.css)) css.href = "format.css?v=" + view.css;
    const container = doc.body;
    container.classList.toggle("dz-stale", view.stale);
    for (let i = 0; i < view.pages.length; i++) {
      const old = container.children[i];
      if (old && shown[i] === view.pages[i]) continue;
      const template = doc.createElement("template");
      template.innerHTML = view.pages[i];
      const page = template.content.firstElementChild;
      if (old) container.replaceChild(page, old); else container.appendChild(page);
    }
    while (container.children.length > view.pages.length) container.lastElementChild.remove();
    shown = view.pages.slice();
    body.dataset.rev = String(view.rev);
  }

  const reload = serial(async () => {
    const response = await fetch("view", { cache: "no-store" });
    if (response.status === 404) {
      notice.textContent = "此部门文件已不在文件夹中。";
      notice.hidden = false;
      return;
    }
    if (!response.ok) return;
    const view = await response.json();
    await frameReady;
    if (view.rev < latest) return;
    latest = view.rev;
    apply(view);
  });
  let latest = -1;
  connect(async (message) => {
    if (message && message.kind === "view" && message.id === id) {
      if (message.view.rev < latest) return;
      latest = message.view.rev;
      await frameReady;
      apply(message.view);
    } else if (!message || (message.kind === "dept" && message.id === id)) {
      reload();
    }
  }, id);

  // A problem's place in the document: the anchor, then each text in turn after it.
  // Compared without white space: tables space out short titles (“收 入 总 计”).
  const squash = (s) => s.replace(/\s+/g, "");
  function leafWith(node, text) {
    if (!squash(node.textContent).includes(text)) return false;
    for (const child of node.children) if (squash(child.textContent).includes(text)) return false;
    return true;
  }
  function findAfter(doc, from, text) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_ELEMENT);
    walker.currentNode = from;
    for (let node = from; node; node = walker.nextNode()) {
      if (node !== from && node.closest("thead")) continue;  // a column title is not the place
      if (leafWith(node, text)) return node;
    }
    return null;
  }
  function reveal(target) {
    const doc = frame.contentDocument;
    const first = doc.querySelector(".dz-page");
    let place = (target.anchor && doc.getElementById(target.anchor)) || first;
    if (!place) return;
    for (const text of target.texts || []) {
      const found = findAfter(doc, place, squash(text));
      if (!found) break;
      place = found.closest("tr") || found;
    }
    doc.querySelectorAll(".dz-mark").forEach((el) => el.classList.remove("dz-mark", "dz-flash"));
    place.classList.add("dz-mark", "dz-flash");
    place.scrollIntoView({ block: "center" });
  }
  problems.addEventListener("click", (event) => {
    const link = event.target.closest("a.where[data-target]");
    if (!link) return;
    event.preventDefault();
    try { reveal(JSON.parse(link.dataset.target)); } catch (e) { /* nothing to show */ }
  });
  for (const link of [document.getElementById("pdf"), document.getElementById("docx")]) {
    link.addEventListener("click", (event) => { if (link.classList.contains("disabled")) event.preventDefault(); });
  }
})();
