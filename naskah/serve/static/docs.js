// A small, self-contained reader of /openapi.json: no CDN, nothing fetched but this
// service's own description. Text is inserted with textContent (never as HTML).
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function pre(value) {
  return el("pre", {}, typeof value === "string" ? value : JSON.stringify(value, null, 2));
}

function resolve(spec, schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return [name, spec.components.schemas[name]];
  }
  return [null, schema];
}

function parameters(op) {
  if (!op.parameters || !op.parameters.length) return null;
  const rows = op.parameters.map((p) => el("tr", {},
    el("td", {}, el("code", {}, p.name)), el("td", {}, p.in),
    el("td", {}, p.required ? "wajib" : ""),
    el("td", {}, p.description || (p.schema && p.schema.enum ? p.schema.enum.join(", ") : ""))));
  return el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "di"),
    el("th", {}, ""), el("th", {}, "keterangan")), ...rows);
}

function body(spec, op) {
  const content = op.requestBody && op.requestBody.content;
  if (!content) return null;
  const out = el("div", {}, el("h4", {}, "Badan permintaan"));
  for (const [media, entry] of Object.entries(content)) {
    const [name, schema] = resolve(spec, entry.schema || {});
    out.append(el("p", {}, el("code", {}, media), name ? " — " + name : ""));
    const examples = entry.examples ? Object.values(entry.examples).map((e) => e.value)
      : (schema && schema.examples) || [];
    if (examples.length) out.append(pre(examples[0]));
    else if (schema && schema.properties) {
      out.append(el("p", {}, "Isian: " + Object.keys(schema.properties).join(", ")));
    }
  }
  return out;
}

function answers(spec, op) {
  const out = el("div", {}, el("h4", {}, "Jawaban"));
  for (const [status, answer] of Object.entries(op.responses || {})) {
    const media = answer.content ? Object.keys(answer.content).join(", ") : "";
    out.append(el("p", {}, el("strong", {}, status), " " + (answer.description || ""),
      media ? " (" + media + ")" : ""));
    const first = answer.content && Object.values(answer.content)[0];
    if (first && first.example !== undefined) out.append(pre(first.example));
  }
  return out;
}

function render(spec) {
  document.getElementById("versi").textContent = spec.info.version;
  const groups = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "lain";
      (groups[tag] = groups[tag] || []).push([method.toUpperCase(), path, op]);
    }
  }
  const main = document.getElementById("isi");
  main.textContent = "";
  for (const [tag, ops] of Object.entries(groups)) {
    main.append(el("h2", {}, tag));
    for (const [method, path, op] of ops) {
      main.append(el("details", {"data-cari": (method + " " + path + " " + (op.summary || "")).toLowerCase()},
        el("summary", {}, el("span", {class: "m " + method}, method), el("code", {}, path),
          " — " + (op.summary || "")),
        el("div", {class: "badan"}, op.description ? el("p", {}, op.description) : null,
          parameters(op), body(spec, op), answers(spec, op))));
    }
  }
  document.getElementById("cari").addEventListener("input", (event) => {
    const q = event.target.value.toLowerCase();
    for (const node of document.querySelectorAll("details")) {
      node.hidden = q !== "" && !node.dataset.cari.includes(q);
    }
  });
}

fetch("/openapi.json").then((r) => r.json()).then(render).catch((err) => {
  document.getElementById("isi").textContent = "Tidak dapat memuat /openapi.json: " + err;
});
