// The API documentation at /docs, rendered from /openapi.json with no third-party script (the server
// works offline and its Content-Security-Policy allows scripts from itself only).
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function resolve(spec, schema) {
  let seen = 0;
  while (schema && schema.$ref && seen++ < 20) {
    const path = schema.$ref.replace(/^#\//, "").split("/");
    schema = path.reduce((node, key) => (node ? node[key] : undefined), spec);
  }
  return schema || {};
}

function typeOf(spec, schema) {
  schema = resolve(spec, schema);
  if (schema.enum) return schema.enum.map(String).join(" | ");
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(spec, s)).join(" | ");
  if (schema.type === "array") return typeOf(spec, schema.items) + "[]";
  if (schema.title && !schema.type) return schema.title;
  return schema.format ? `${schema.type} (${schema.format})` : schema.type || schema.title || "object";
}

function parameterTable(spec, parameters) {
  const table = el("table", null, "docs-table");
  const head = el("tr");
  for (const title of ["参数 parameter", "位置 in", "类型 type", "必填 required", "说明 description"]) head.append(el("th", title));
  table.append(head);
  for (const p of parameters) {
    const row = el("tr");
    row.append(el("td", p.name, "mono"), el("td", p.in), el("td", typeOf(spec, p.schema), "mono"),
      el("td", p.required ? "是" : ""), el("td", p.description || resolve(spec, p.schema).description || ""));
    table.append(row);
  }
  return table;
}

function fieldList(spec, schema) {
  schema = resolve(spec, schema);
  const list = el("ul");
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const item = el("li");
    item.append(el("code", name), document.createTextNode(`: ${typeOf(spec, field)}`));
    const description = field.description || resolve(spec, field).description;
    if (description) item.append(document.createTextNode(` — ${description}`));
    list.append(item);
  }
  return list;
}

function operation(spec, path, method, op) {
  const section = el("section", null, "docs-op");
  section.id = op.operationId || `${method}-${path}`;
  const title = el("h2");
  title.append(el("span", method.toUpperCase(), "docs-method"), document.createTextNode(" "), el("code", path));
  section.append(title);
  if (op.summary) section.append(el("p", op.summary));
  if (op.description) section.append(el("p", op.description, "docs-description"));
  if (op.parameters && op.parameters.length) section.append(parameterTable(spec, op.parameters));
  const body = op.requestBody && op.requestBody.content;
  if (body) {
    for (const [media, content] of Object.entries(body)) {
      section.append(el("h3", `请求体 request body (${media})`));
      section.append(fieldList(spec, content.schema));
    }
  }
  section.append(el("h3", "响应 responses"));
  const responses = el("ul");
  for (const [status, response] of Object.entries(op.responses || {})) {
    const item = el("li");
    item.append(el("strong", status), document.createTextNode(` ${response.description || ""}`));
    const json = response.content && response.content["application/json"];
    if (json && json.schema) item.append(document.createTextNode(` → ${typeOf(spec, json.schema)}`));
    responses.append(item);
  }
  section.append(responses);
  return section;
}

async function render() {
  const main = document.getElementById("operations");
  try {
    const response = await fetch("/openapi.json");
    const spec = await response.json();
    main.textContent = "";
    main.append(el("p", `${spec.info.title} ${spec.info.version}: ${spec.info.summary || ""}`));
    const nav = el("ul", null, "docs-nav");
    const sections = [];
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const section = operation(spec, path, method, op);
        const link = el("a", `${method.toUpperCase()} ${path}`);
        link.href = `#${section.id}`;
        const item = el("li");
        item.append(link);
        nav.append(item);
        sections.push(section);
      }
    }
    main.append(nav, ...sections);
  } catch (error) {
    main.textContent = `无法读取 /openapi.json：${error}`;
  }
}

render();
