"""Slugs: URL path segments made from titles, tags and names in any script.

Russian, Armenian, Georgian, Persian and Azerbaijani letters are spelt by the
tables below (the romanisation their readers expect); every other script is
spelt by `anyascii <https://anyascii.com>`_ (Greek, Ukrainian, Hebrew, Arabic,
Chinese as pinyin, Japanese kana, Korean, Thai, emoji by name…). A listing key
(:func:`key`) never comes out empty and never drops what it cannot spell: it
then carries a short digest of the text, the same on every run and machine.
"""

from __future__ import annotations

import functools
import hashlib
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


def _unspelt(ch: str) -> bool:
    """Whether a character left out of a slug is a loss: a letter, digit, symbol, private or unknown one."""
    kind = unicodedata.category(ch)
    return kind[0] in "LNS" or kind in ("Co", "Cn")


#: Characters of a romanisation that stand for a sound, not a word break (anyascii spells ع as "`").
_MARKS = str.maketrans("", "", "'`\"")


#: Languages whose capital I is the capital of ı, and İ the capital of i (``BAKI`` is ``Bakı`` in Azerbaijani).
_TURKIC = frozenset({"az", "tr", "crh", "gag", "kk", "tt"})
#: Arabic letters that Persian writes with its own code points: one letter, whichever keyboard typed it.
_SAME_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})


@functools.lru_cache(maxsize=8192)
def identity(text: str, lang: str = "") -> str:
    """What two tags or names must share to be one listing: the text up to letter case, width and spacing.

    ``Karabakh``, ``karabakh`` and ``ＫＡＲＡＢＡＫＨ`` are one tag; so are texts
    that differ by invisible formatting characters (a zero-width space, a
    Persian half-space) or by the Arabic or Persian code point of one letter
    (``ي``, ``ی``). In ``lang`` az or tr, ``BAKI`` is ``Bakı``. ``Ա``
    (Armenian) and ``A`` (Latin) are two, however alike they look or spell.
    """
    text = unicodedata.normalize("NFKC", text)
    if lang.replace("_", "-").split("-")[0].lower() in _TURKIC:
        text = text.replace("I", "ı").replace("İ", "i")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.casefold().translate(_SAME_LETTERS).split())


def _spell(text: str) -> tuple[list[str], bool]:
    """The lowercase ASCII words of ``text``, and whether some letter, digit or symbol could not be spelt."""
    pieces = []
    lost = False
    for ch in text.lower().replace("ու", "u"):
        spelt = _LETTERS.get(ch)
        if spelt is None:
            spelt = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            if not spelt and not ch.isascii():
                from anyascii import anyascii  # its tables load on first use: most slugs never need them

                spelt = anyascii(ch)
                lost = lost or (not spelt.strip() and _unspelt(ch))
                spelt = spelt.lower().translate(_MARKS)
        pieces.append(spelt)
    return re.findall(r"[a-z0-9]+", "".join(pieces)), lost


def _join(words: list[str], limit: int) -> tuple[str, bool]:
    """The words joined by hyphens, cut at a word to at most ``limit`` characters; and whether any was cut."""
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit and slug:
            return slug, True
        slug = f"{slug}-{word}" if slug else word[:limit]  # one long word is cut: a slug is a folder name
    return slug, len(words[0]) > limit if words else False


@functools.lru_cache(maxsize=8192)
def slugify(text: str, limit: int = 60) -> str:
    """A URL slug for a title in any script: lowercase ASCII and hyphens ("article" when nothing is left).

    For folder names that ``sitegen new`` suggests; listings use :func:`key`.
    """
    return _join(_spell(text)[0], limit)[0] or "article"


#: Hex digits of the digest a key carries when its text cannot be spelt whole (32 bits).
DIGEST = 8


@functools.lru_cache(maxsize=8192)
def key(text: str, lang: str = "", limit: int = 60) -> str:
    """The URL segment of a tag or a person's listing: never empty, the same for texts of one :func:`identity`
    in ``lang``.

    Readable where the text can be spelt (``Ελλάδα`` → ``ellada``, ``中国`` →
    ``zhongguo``); followed by a digest of the text (``-3f9a2c1b``) when part
    of it could not be spelt or was cut to ``limit``, and only the digest when
    nothing could be spelt (``!!!``), so texts that differ there stay apart.
    Remembered: listings key every tag and voice on every (incremental) build.
    """
    same = identity(text, lang)
    words, lost = _spell(same)
    slug, cut = _join(words, limit)
    if not lost and not cut and slug:
        return slug
    if cut:
        slug = _join(words, limit - DIGEST - 1)[0]
    digest = hashlib.blake2b(same.encode("utf-8"), digest_size=DIGEST // 2).hexdigest()
    return f"{slug}-{digest}" if slug else digest
