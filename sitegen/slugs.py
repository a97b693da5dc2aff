"""Slugs: URL path segments made from titles, tags and names in any of the site's scripts."""

from __future__ import annotations

import functools
import re
import unicodedata

# Letters that Unicode does not decompose to ASCII: Russian, Armenian, Azerbaijani, Georgian, Persian.
_LETTERS = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщыэюя",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch y e yu ya".split(),
        strict=True,
    )
)
_LETTERS.update({"ъ": "", "ь": ""})
_LETTERS.update(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
        "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f".split(),
        strict=True,
    )
)
#: An article's slug: the name of its folder and its URL segment (``/<lang>/<slug>/``).
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: A slug is a folder name (255 bytes at most on common file systems) and a URL people read and share.
MAX_LENGTH = 100


def is_slug(text: str) -> bool:
    """Lowercase ASCII letters, digits and single hyphens, the whole text (no trailing newline), short enough."""
    return len(text) <= MAX_LENGTH and SLUG.fullmatch(text) is not None


_LETTERS.update(
    zip(
        "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
        "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h".split(),
        strict=True,
    )
)
# Persian (and Arabic) letters as Persian is romanised; short vowels are not written, so neither are they here.
_LETTERS.update(
    zip(
        "اآأإبپتثجچحخدذرزژسشصضطظغفقکكگلمنوهةیيىئؤ",
        "a a a e b p t s j ch h kh d z r z zh s sh s z t z gh f q k k g l m n v h h y y a y o".split(),
        strict=True,
    )
)
_LETTERS.update({"ع": "", "ء": ""})
_LETTERS.update(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789", strict=True))
_LETTERS.update({"ə": "e", "ı": "i", "ğ": "g", "ş": "s", "ç": "c", "ö": "o", "ü": "u", "ß": "ss", "և": "ev"})


@functools.lru_cache(maxsize=8192)
def slugify(text: str, limit: int = 60) -> str:
    """A URL slug for a title in any of the site's scripts: lowercase ASCII and hyphens.

    Remembered: listings slugify every voice's name on every (incremental) build.
    """
    letters = "".join(_LETTERS.get(ch, ch) for ch in text.lower().replace("ու", "u"))
    ascii_text = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit and slug:
            break
        slug = f"{slug}-{word}" if slug else word[:limit]  # one long word is cut: a slug is a folder name
    return slug or "article"
