"""The one Jinja2 environment for the Markdown and YAML we ship (practice plugins, the router):
harvested values reach a template only through the escaping filters, and every rendered
document gets the same byte normalisation and placeholder guard (scanner.escape)."""

from __future__ import annotations

import jinja2

from scanner.escape import markdown_code, markdown_ours, markdown_text, markdown_url

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("scanner", "templates"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # Markdown and YAML, never HTML: harvested values go through a filter
)
# The one way a template shows harvested text (scanner.escape); manifest text is ours and
# may hold Markdown on purpose.
_ENV.filters.update(md=markdown_text, md_code=markdown_code, md_url=markdown_url)


def render_markdown(name: str, **context: object) -> str:
    """Template `name` filled in: one trailing newline, LF only, no trailing spaces, and Claude
    Code placeholders inert outside code, whatever the template."""
    text = _ENV.get_template(name).render(**context)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return markdown_ours("\n".join(lines)) + "\n"
