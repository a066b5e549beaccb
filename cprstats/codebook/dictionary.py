"""The data dictionary: the codebook as a Markdown document, in English or Welsh.

``cprstats codebook`` prints it; ``docs/data_dictionary.md`` (and ``.cy.md``) are generated
copies that a test keeps up to date. Its own words (headings, notes, the type of each
variable) are the ``dictionary.*`` strings of ``cprstats/codebook/strings.yaml``: the English
dictionary names each variable's Table Schema type (``string (ordered)``), the Welsh one says
it in Welsh (``testun (trefnedig)``), so no English is left in the Welsh dictionary.
"""

from __future__ import annotations

import os

from cprstats.codebook.i18n import t
from cprstats.codebook.model import Codebook, Field, check_lang, resolve

__all__ = ["data_dictionary", "type_note", "untranslated"]


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_dictionary(codebook: Codebook | str | os.PathLike[str] | None = None, lang: str = "en") -> str:
    """The codebook as Markdown: one table per group, every variable and value with its definition.

    Examples
    --------
    >>> md = data_dictionary(lang="cy")
    >>> md.splitlines()[0]
    '# Geiriadur data: cprstats'
    >>> "| `outcome` |" in data_dictionary()
    True
    """
    check_lang(lang)
    cb = resolve(codebook)
    head = [t(f"dictionary.{k}", lang) for k in ("variable", "type", "title_column", "values")]
    derived, restricted = t("dictionary.derived_from", lang), t("dictionary.restricted", lang)
    one_column, code = t("dictionary.one_column", lang), t("dictionary.code_word", lang)
    lines = [
        f"# {t('dictionary.title', lang)}: {cb.name}",
        "",
        f"{t('dictionary.generated', lang, name=cb.name, version=cb.version)} {cb.title.get(lang)}.",
        "",
    ]
    todo = len(untranslated(cb))
    if lang == "cy" and todo:  # the Welsh reader is told which words are not yet checked
        lines += [t("dictionary.awaiting", lang, count=todo), ""]
    for group, title in cb.groups.items():
        fields = [f for f in cb.fields.values() if f.group == group]
        if not fields:
            continue
        lines += [f"## {title.get(lang)}", "", "| " + " | ".join(head) + " |", "|---|---|---|---|"]
        for f in fields:
            notes = [f.description.get(lang), t(f"dictionary.unit.{f.unit}", lang)]
            if f.aliases:
                notes.append(t("dictionary.aliases", lang, names=", ".join(f"`{a}`" for a in f.aliases)))
            if f.derived:
                notes.append(f"*{derived}* {', '.join(f'`{s}`' for s in f.derived['from'])}.")
            if f.restricted:
                notes.append(f"**{restricted}.**")
            if f.type == "list":
                notes.append(f"*{one_column}* (`{f.prefix}_<{code}>`).")
            if f.categories:
                vals = "; ".join(
                    f"`{c.value}` {c.label.get(lang)}" + (f": {c.definition.get(lang)}" if c.definition else "")
                    for c in f.categories
                )
                notes.append(vals + ".")
            lines.append(
                f"| `{f.name}` | {type_note(f, lang)} | {_cell(f.title.get(lang))} | {_cell(' '.join(notes))} |"
            )
        lines.append("")
    return "\n".join(lines)


def type_note(field: Field, lang: str = "en") -> str:
    """A variable's type as the dictionary shows it: Table Schema's name in English, words in Welsh.

    >>> from cprstats import load_codebook
    >>> cb = load_codebook()
    >>> type_note(cb.field("period")), type_note(cb.field("period"), "cy")
    ('string (ordered)', 'testun (trefnedig)')
    >>> type_note(cb.field("board"), "cy"), type_note(cb.field("themes"), "cy")
    ('testun (categorïau)', 'rhestr')
    """
    check_lang(lang)
    base = t(f"dictionary.type.{field.type}", lang)
    if field.categories and field.type != "list":
        return t("dictionary.type.ordered" if field.ordered else "dictionary.type.categories", lang, type=base)
    return base


def untranslated(codebook: Codebook | str | os.PathLike[str] | None = None) -> list[tuple[str, str, str]]:
    """Every codebook text whose Welsh awaits a translator's review: ``(where, english, welsh)``.

    >>> rows = untranslated()
    >>> ("outcome.death", "Death", "Marwolaeth") in rows  # verified, so not listed
    False
    """
    cb = resolve(codebook)
    return [(where, t.en, t.cy) for where, t in cb.texts() if not t.cy_verified]
