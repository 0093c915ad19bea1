"""A byte-level BPE tokenizer in the Qwen2 style, trained in pure Python, written as a HuggingFace tokenizer.json.

Layout of the vocabulary (the same convention as ../shared/fixtures/gguf/hf/tokenizer.json):
  ids 0..255          the 256 bytes, as GPT-2's printable byte characters (id = byte value)
  ids 256..V-4        merges, in the order they were learnt (merge rank r makes id 256 + r unless the merged string
                      already exists)
  ids V-3, V-2, V-1   <|endoftext|>, <|im_start|>, <|im_end|> (added tokens, special)

Pre-tokenization is Qwen2's split regex. Python's `re` has no \\p{L}/\\p{N}, so PRETOKENIZE uses [^\\W\\d_] for
letters and \\d for numbers: identical to the real regex on ASCII text (the KJV corpus is pure ASCII, checked in
`train_bpe`). The tokenizer.json carries the real Qwen2 regex for the HuggingFace runtime.
"""
import heapq
import json
import re
import unicodedata
from collections import Counter

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")
PRETOKENIZE = re.compile(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|(?:[^\w\r\n]|_)?[^\W\d_]+|\d| ?(?:[^\s\w]|_)+[\r\n]*|"
                         r"\s*[\r\n]+|\s+(?!\S)|\s+")
CHATML_TEMPLATE = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] "
                   "+ '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}"
                   "{{ '<|im_start|>assistant\\n' }}{% endif %}")


def bytes_to_unicode():
    """GPT-2's table: byte value -> printable character."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHAR = bytes_to_unicode()


class Tokenizer:
    def __init__(self, merges, vocab_size):
        """merges: list of (left id, right id, merged id) in rank order; vocab_size includes the specials."""
        self.merges = merges
        self.rank = {(a, b): r for r, (a, b, _) in enumerate(merges)}
        self.merged = {(a, b): m for a, b, m in merges}
        self.vocab_size = vocab_size
        self.special_ids = {s: vocab_size - len(SPECIALS) + i for i, s in enumerate(SPECIALS)}
        self.token_bytes = {b: bytes([b]) for b in range(256)}
        for a, b, m in merges:
            self.token_bytes.setdefault(m, self.token_bytes[a] + self.token_bytes[b])
        self._cache = {}

    def _bpe(self, piece):
        ids = list(piece.encode("utf-8"))
        while len(ids) > 1:
            best = min(range(len(ids) - 1), key=lambda i: self.rank.get((ids[i], ids[i + 1]), 1 << 30))
            pair = (ids[best], ids[best + 1])
            if pair not in self.rank:
                break
            m = self.merged[pair]
            out, i = [], 0
            while i < len(ids):
                if i < len(ids) - 1 and (ids[i], ids[i + 1]) == pair:
                    out.append(m)
                    i += 2
                else:
                    out.append(ids[i])
                    i += 1
            ids = out
        return ids

    def encode(self, text):
        """Ids of plain text (no special tokens are recognised or added)."""
        out = []
        for piece in PRETOKENIZE.findall(unicodedata.normalize("NFC", text)):
            ids = self._cache.get(piece)
            if ids is None:
                ids = self._cache[piece] = self._bpe(piece)
            out.extend(ids)
        return out

    def decode(self, ids):
        inv = {v: k for k, v in self.special_ids.items()}
        parts = []
        for i in ids:
            parts.append(inv[i].encode() if i in inv else self.token_bytes[i])
        return b"".join(parts).decode("utf-8", errors="replace")

    def token_string(self, i):
        return "".join(BYTE_CHAR[b] for b in self.token_bytes[i])

    def tokenizer_json(self):
        vocab = {}
        for i in sorted(self.token_bytes):
            vocab.setdefault(self.token_string(i), i)
        merges = ["%s %s" % (self.token_string(a), self.token_string(b)) for a, b, _ in self.merges]
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for s, i in self.special_ids.items()]
        byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        return {
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": {"type": "NFC"},
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN2_REGEX}, "behavior": "Isolated", "invert": False},
                dict(byte_level)]},
            "post_processor": dict(byte_level),
            "decoder": dict(byte_level),
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "ignore_merges": False, "vocab": vocab, "merges": merges},
        }

    def tokenizer_config_json(self, max_len):
        return {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "unk_token": None,
            "add_bos_token": False, "clean_up_tokenization_spaces": False, "model_max_length": max_len,
            "added_tokens_decoder": {str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                                              "single_word": False, "special": True}
                                     for s, i in self.special_ids.items()},
            "chat_template": CHATML_TEMPLATE,
        }

    def save(self, folder, max_len):
        with open(folder + "/tokenizer.json", "w", encoding="utf-8") as f:
            json.dump(self.tokenizer_json(), f, ensure_ascii=False, indent=1)
        with open(folder + "/tokenizer_config.json", "w", encoding="utf-8") as f:
            json.dump(self.tokenizer_config_json(max_len), f, ensure_ascii=False, indent=2)


def train_bpe(texts, vocab_size):
    """Learns merges until 256 + merges + 3 specials = vocab_size. Deterministic (ties: lowest pair ids first)."""
    words = Counter()
    for t in texts:
        if not t.isascii():
            raise ValueError("the ASCII-exact pre-tokenizer needs ASCII training text")
        words.update(PRETOKENIZE.findall(unicodedata.normalize("NFC", t)))
    syms = [list(w.encode("utf-8")) for w in words]
    counts = list(words.values())
    pair_count = Counter()
    where = {}
    for wi, s in enumerate(syms):
        for p in zip(s, s[1:]):
            pair_count[p] += counts[wi]
            where.setdefault(p, set()).add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    token_bytes = {b: bytes([b]) for b in range(256)}
    id_of = {v: k for k, v in token_bytes.items()}
    merges = []
    target = vocab_size - len(SPECIALS)
    next_id = 256
    while next_id < target and heap:
        negc, p = heapq.heappop(heap)
        if pair_count.get(p, 0) != -negc or negc == 0:
            continue  # stale heap entry
        a, b = p
        s = token_bytes[a] + token_bytes[b]
        m = id_of.get(s)
        if m is None:
            m = next_id
            next_id += 1
            token_bytes[m] = s
            id_of[s] = m
        merges.append((a, b, m))
        changed = set()
        for wi in list(where.get(p, ())):
            old = syms[wi]
            c = counts[wi]
            new, i = [], 0
            while i < len(old):
                if i < len(old) - 1 and old[i] == a and old[i + 1] == b:
                    new.append(m)
                    i += 2
                else:
                    new.append(old[i])
                    i += 1
            for q in zip(old, old[1:]):
                pair_count[q] -= c
                changed.add(q)
            for q in zip(new, new[1:]):
                pair_count[q] += c
                where.setdefault(q, set()).add(wi)
                changed.add(q)
            syms[wi] = new
        pair_count.pop(p, None)
        where.pop(p, None)
        for q in changed:
            c = pair_count.get(q, 0)
            if c > 0:
                heapq.heappush(heap, (-c, q))
    # Unused slots (possible only for a tiny corpus) stay as unreachable ids; the vocab_size is kept fixed.
    return Tokenizer(merges, vocab_size)
