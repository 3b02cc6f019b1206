"""Helpers for tables whose columns are data: each cell names its column (data-label), which a
table with the cp-table--stack class shows beside the cell on a phone."""

from collections.abc import Sequence
from typing import Any

from django import template
from django.template.base import render_value_in_context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def column(columns: Sequence[Any], index: int) -> Any:
    """The heading of column `index` (from 0), or "" past the end: `{{ table.columns|column:forloop.counter0 }}`."""
    try:
        return columns[index]
    except (IndexError, TypeError):
        return ""


@register.simple_tag(takes_context=True)
def dashboard_rows(context: template.Context, rows: Sequence[tuple[Any, Sequence[tuple[Any, Any]]]]) -> SafeString:
    """The body rows of a dashboard table (web/partnership/dashboard_section.html), each value with its
    column's heading as data-label: `{% dashboard_rows section.rows %}`.

    The same HTML a {% for %} loop in the template gave, made here because a big area's tables have
    hundreds of rows (a caseload table lists every keyworker) and the template engine took a third of
    the page's time over them. Every value is shown as {{ value }} would show it (localised, escaped).
    """

    def shown(value: Any) -> str:
        return str(render_value_in_context(value, context))

    html = []
    for row, labelled in rows:
        label = shown(row.label)
        header = f"<strong>{label}</strong>" if row.is_total else label
        if row.flag:
            header += f'<br><strong class="govuk-tag govuk-tag--red">{shown(row.flag)}</strong>'
        cells = "".join(
            '<td class="govuk-table__cell govuk-table__cell--numeric'
            f'{" cp-muted" if getattr(value, "hidden", False) else ""}" data-label="{shown(column)}">'
            f"{f'<strong>{shown(value)}</strong>' if row.is_total else shown(value)}</td>"
            for column, value in labelled
        )
        html.append(
            '\n            <tr class="govuk-table__row">\n'
            f'              <th scope="row" class="govuk-table__header">{header}</th>\n'
            f"              {cells}\n"
            "            </tr>\n            "
        )
    return mark_safe("".join(html))  # every value and label above is escaped by shown()
