"""The King James Bible corpus, from Debian's bible-kjv / bible-kjv-text packages.

`bible -f <range>` prints one verse per line, "Ge1:1 In the beginning ...". We group the verses by book and
write each book as

    Genesis
    1:1 In the beginning God created the heaven and the earth.
    1:2 ...

Books are joined with the <|endoftext|> special token at tokenization time. A few whole books are held out as
the validation split (VAL_BOOKS), so validation text is never seen in training (not even neighbouring verses).
"""
import re
import subprocess

# The 66 books in order: (abbreviation as `bible` prints it, full name).
BOOKS = [
    ("Ge", "Genesis"), ("Exo", "Exodus"), ("Lev", "Leviticus"), ("Num", "Numbers"), ("Deu", "Deuteronomy"),
    ("Josh", "Joshua"), ("Jdgs", "Judges"), ("Ruth", "Ruth"), ("1Sm", "1 Samuel"), ("2Sm", "2 Samuel"),
    ("1Ki", "1 Kings"), ("2Ki", "2 Kings"), ("1Chr", "1 Chronicles"), ("2Chr", "2 Chronicles"), ("Ezra", "Ezra"),
    ("Neh", "Nehemiah"), ("Est", "Esther"), ("Job", "Job"), ("Psa", "Psalms"), ("Prv", "Proverbs"),
    ("Eccl", "Ecclesiastes"), ("SSol", "Song of Solomon"), ("Isa", "Isaiah"), ("Jer", "Jeremiah"),
    ("Lam", "Lamentations"), ("Eze", "Ezekiel"), ("Dan", "Daniel"), ("Hos", "Hosea"), ("Joel", "Joel"),
    ("Amos", "Amos"), ("Obad", "Obadiah"), ("Jonah", "Jonah"), ("Mic", "Micah"), ("Nahum", "Nahum"),
    ("Hab", "Habakkuk"), ("Zep", "Zephaniah"), ("Hag", "Haggai"), ("Zec", "Zechariah"), ("Mal", "Malachi"),
    ("Mat", "Matthew"), ("Mark", "Mark"), ("Luke", "Luke"), ("John", "John"), ("Acts", "Acts"),
    ("Rom", "Romans"), ("1Cor", "1 Corinthians"), ("2Cor", "2 Corinthians"), ("Gal", "Galatians"),
    ("Eph", "Ephesians"), ("Phi", "Philippians"), ("Col", "Colossians"), ("1Th", "1 Thessalonians"),
    ("2Th", "2 Thessalonians"), ("1Tim", "1 Timothy"), ("2Tim", "2 Timothy"), ("Titus", "Titus"),
    ("Phmn", "Philemon"), ("Heb", "Hebrews"), ("Jas", "James"), ("1Pet", "1 Peter"), ("2Pet", "2 Peter"),
    ("1Jn", "1 John"), ("2Jn", "2 John"), ("3Jn", "3 John"), ("Jude", "Jude"), ("Rev", "Revelation"),
]

# Held out for validation: narrative, wisdom, prophecy, gospel-adjacent and epistle styles (~2.5% of the text).
VAL_BOOKS = ["Ruth", "Esther", "Ecclesiastes", "Jonah", "Philippians", "James", "Jude"]

_VERSE = re.compile(r"^([1-3]?[A-Za-z]+)(\d+):(\d+) (.*)$")


def read_bible():
    """Returns [(book name, text)] for all 66 books, in canonical order."""
    out = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], check=True, capture_output=True, text=True).stdout
    names = dict(BOOKS)
    books = {}
    order = []
    for line in out.splitlines():
        m = _VERSE.match(line.strip())
        if not m:
            if line.strip():
                raise ValueError("unexpected line from bible: %r" % line)
            continue
        abbr, ch, vs, text = m.groups()
        if abbr not in names:
            raise ValueError("unknown book abbreviation %r" % abbr)
        name = names[abbr]
        if name not in books:
            books[name] = [name]
            order.append(name)
        books[name].append("%s:%s %s" % (ch, vs, " ".join(text.split())))
    if order != [n for _, n in BOOKS]:
        raise ValueError("bible printed %d books, expected the 66 in order" % len(order))
    return [(n, "\n".join(books[n]) + "\n") for n in order]


def split(books, smoke=False):
    """(train books, val books) as lists of texts. Smoke mode keeps a small slice of the corpus."""
    if smoke:
        keep = {"Genesis", "Ruth", "Matthew", "Jonah"}
        books = [(n, t) for n, t in books if n in keep]
    train = [t for n, t in books if n not in VAL_BOOKS]
    val = [t for n, t in books if n in VAL_BOOKS]
    return train, val


if __name__ == "__main__":
    bs = read_bible()
    tr, va = split(bs)
    print(len(bs), "books;", sum(map(len, tr)), "train chars;", sum(map(len, va)), "val chars")
    print(bs[0][1][:300])
