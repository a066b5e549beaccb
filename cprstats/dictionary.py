"""The data dictionary: the codebook as a Markdown document, in English or Welsh.

``cprstats codebook`` prints it; ``docs/data_dictionary.md`` (and ``.cy.md``) are generated
copies that a test keeps up to date.
"""

from __future__ import annotations

from .codebook import Codebook, check_lang, load_codebook

__all__ = ["data_dictionary", "untranslated"]

_HEAD = {
    "en": ("Data dictionary", "Generated from codebook", "version", "Variable", "Type", "Title", "Values and definition",
           "derived from", "restricted: never published raw", "one true/false column per option", "Welsh awaiting a translator's review"),
    "cy": ("Geiriadur data", "Wedi'i gynhyrchu o'r llyfr codau", "fersiwn", "Newidyn", "Math", "Teitl", "Gwerthoedd a diffiniad",
           "wedi'i ddeillio o", "cyfyngedig: ni chaiff byth ei gyhoeddi'n amrwd", "un golofn gwir/gau i bob opsiwn", "Cymraeg yn aros am adolygiad cyfieithydd"),
}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def data_dictionary(codebook=None, lang: str = "en") -> str:
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
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    h = _HEAD[lang]
    lines = [f"# {h[0]}: {cb.name}", "", f"{h[1]} {cb.name}, {h[2]} {cb.version}. {cb.title.get(lang)}.", ""]
    for group, title in cb.groups.items():
        fields = [f for f in cb.fields.values() if f.group == group]
        if not fields:
            continue
        lines += [f"## {title.get(lang)}", "", f"| {h[3]} | {h[4]} | {h[5]} | {h[6]} |", "|---|---|---|---|"]
        for f in fields:
            notes = [f.description.get(lang)]
            if f.derived:
                notes.append(f"*{h[7]}* {', '.join(f'`{s}`' for s in f.derived['from'])}.")
            if f.restricted:
                notes.append(f"**{h[8]}.**")
            if f.type == "list":
                notes.append(f"*{h[9]}* (`{f.prefix}_<code>`).")
            if f.categories:
                vals = "; ".join(f"`{c.value}` {c.label.get(lang)}" for c in f.categories)
                notes.append(vals + ".")
            typ = f.type + (f" ({'ordered' if f.ordered else 'categories'})" if f.categories and f.type != "list" else "")
            lines.append(f"| `{f.name}` | {typ} | {_cell(f.title.get(lang))} | {_cell(' '.join(notes))} |")
        lines.append("")
    return "\n".join(lines)


def untranslated(codebook=None) -> list[tuple[str, str, str]]:
    """Every codebook text whose Welsh awaits a translator's review: ``(where, english, welsh)``.

    >>> rows = untranslated()
    >>> ("outcome.death", "Death", "Marwolaeth") in rows  # verified, so not listed
    False
    """
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    return [(where, t.en, t.cy) for where, t in cb.texts() if not t.cy_verified]
