"""``/docs``: the API reference as plain server-rendered HTML, built from the OpenAPI spec.

FastAPI's default ``/docs`` loads Swagger UI from a public CDN and starts it with an inline
script. Reading rooms are offline, and the Content-Security-Policy of
:mod:`search_api.security` forbids inline script and other origins, so that page would be both
broken and a hole in the policy. This page needs neither: it lists every operation, its
parameters and its responses from ``/openapi.json`` (the machine-readable spec, which stays the
reference for client generators), and every value is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter(include_in_schema=False)

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
code,pre{background:#f4f4f4;padding:0 .2rem}pre{padding:.5rem;overflow:auto}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;
text-align:left;vertical-align:top}.m{font-weight:bold;text-transform:uppercase}
table{display:block;max-width:100%;overflow-x:auto}td{overflow-wrap:anywhere}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    return str(schema.get("type", schema.get("format", "any")))


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    out = [f"<h3><span class=m>{_e(method)}</span> <code>{_e(path)}</code></h3>"]
    if op.get("summary"):
        out.append(f"<p>{_e(op['summary'])}</p>")
    if op.get("description"):
        out.append(f"<pre tabindex=0>{_e(op['description'])}</pre>")
    params = op.get("parameters", [])
    if params:
        out.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>notes</th></tr>")
        for p in params:
            schema = p.get("schema", {})
            notes = [p.get("description") or schema.get("description") or ""]
            for key in ("default", "minimum", "maximum", "maxLength", "pattern", "maxItems"):
                if key in schema:  # an empty default said as "" (QA pass 44a: "default:")
                    value = schema[key]
                    shown = json.dumps(value, ensure_ascii=False) if value == "" else value
                    notes.append(f"{key}: {shown}")
            required = " (required)" if p.get("required") else ""
            out.append(
                f"<tr><td><code>{_e(p['name'])}</code>{required}</td><td>{_e(p.get('in'))}</td>"
                f"<td>{_e(_type(schema))}</td><td>{_e('; '.join(n for n in notes if n))}</td></tr>"
            )
        out.append("</table>")
    body = op.get("requestBody", {}).get("content", {})
    if body:
        out.append("<p>request body: " + ", ".join(f"<code>{_e(t)}</code>" for t in body) + "</p>")
    responses = op.get("responses", {})
    if responses:
        items = ", ".join(
            f"<code>{_e(code)}</code> {_e(r.get('description', ''))}"
            for code, r in responses.items()
        )
        out.append(f"<p>responses: {items}</p>")
    return "\n".join(out)


def render(spec: dict[str, Any]) -> str:
    """The reference page for an OpenAPI ``spec`` (pure function, every value escaped)."""
    info = spec.get("info", {})
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        # laid out for the phone it is read on (QA pass 44a: 980 px wide)
        '<meta name=viewport content="width=device-width, initial-scale=1">',
        f"<title>{_e(info.get('title', 'API'))} API reference</title>",
        # the site's icon, relative as the sheet is (QA pass 45b: a browser asked /favicon.ico)
        '<link rel=icon href="static/favicon.svg" type="image/svg+xml">',
        '<link rel=stylesheet href="docs.css"></head><body><main>',
        f"<h1>{_e(info.get('title', 'API'))} {_e(info.get('version', ''))}</h1>",
        f"<p>{_e(info.get('description', ''))}</p>",
        '<p>Machine-readable specification: <a href="openapi.json">openapi.json</a> '
        "(OpenAPI 3). Staff endpoints need <code>Authorization: Bearer gs_…</code>.</p>",
    ]
    by_tag: dict[str, list[str]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            tag = (op.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(_operation(path, method, op))
    for tag, ops in by_tag.items():
        parts.append(f"<h2>{_e(tag)}</h2>")
        parts.extend(ops)
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        parts.append("<h2>schemas</h2>")
        for name, schema in schemas.items():
            parts.append(f"<h3 id='{_e(name)}'>{_e(name)}</h3>")
            parts.append(
                f"<pre tabindex=0>{_e(json.dumps(schema, ensure_ascii=False, indent=1))}</pre>"
            )
    # in a main landmark, and each code block a tab stop, so a keyboard scrolls what is wider
    # than the page (QA pass 41a: axe's scrollable-region-focusable, 13 blocks)
    parts.append("</main></body></html>")
    return "\n".join(parts)


# HEAD as well as GET, as the pages answer it (QA pass 27b: HEAD /docs was a 405 whose Allow
# header said GET, HEAD)
@router.api_route("/docs", methods=["GET", "HEAD"], response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render(request.app.openapi()))


@router.api_route("/docs.css", methods=["GET", "HEAD"])
def docs_css() -> Response:
    return Response(_CSS, media_type="text/css")
