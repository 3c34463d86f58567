#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates the knowledge benchmark corpus: mixed Markdown and C.

    knowledge_corpus.py OUTDIR SIZE_MB QUERIES_FILE

Deterministic (fixed seed).  Words come from a Zipf-distributed vocabulary
of 40 000 made-up identifiers plus common English words, so the index sees
a realistic long tail; C files hold commented functions, Markdown files
headings, paragraphs, lists and fenced code.  Files are 4-60 KB, spread
over nested folders.  QUERIES_FILE receives 100 queries (one or two words
of middle frequency, as a person searching a code base would type).
"""
import os
import random
import sys

rng = random.Random(20261122)
SYL = ["ka", "lo", "mi", "ru", "sen", "dor", "vel", "tis", "qua", "ne", "bra", "fyn", "gor", "hal", "jin",
       "por", "zet", "wim", "ux", "ost", "ral", "cen", "dri", "mok", "pla", "ser", "tun", "vox", "yel", "zan"]
ENGLISH = ("the of and to in is that for it as with was on be by this are or from at which an but not have "
           "has can all one will there more when if each also into only other some time use such than then "
           "these two may first any would like new used way could our out see about many must should before "
           "after where because while through between both under value file data buffer state index error "
           "return call list table read write open close start stop update search query result path name "
           "size count line chunk token field option config server client request response handle event "
           "loop thread memory cache store load save check test build run set get add remove find match").split()


def make_vocab(n):
    seen, out = set(), []
    while len(out) < n:
        w = "".join(rng.choice(SYL) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


VOCAB = make_vocab(40000)
W = [1.0 / (i + 1) ** 1.05 for i in range(len(VOCAB))]
CUM = []
acc = 0.0
for w in W:
    acc += w
    CUM.append(acc)


def words(k):
    out = rng.choices(VOCAB, cum_weights=CUM, k=k)
    for i in range(k):
        if rng.random() < 0.45:
            out[i] = rng.choice(ENGLISH)
    return out


def ident():
    a = rng.choices(VOCAB, cum_weights=CUM, k=2)
    return a[0] + "_" + a[1] if rng.random() < 0.5 else a[0]


def sentence():
    w = words(rng.randint(6, 18))
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."


def c_function(out):
    name = ident()
    out.append("/*")
    for _ in range(rng.randint(1, 4)):
        out.append(" * " + sentence())
    out.append(" */")
    args = ", ".join("%s %s" % (rng.choice(["int", "size_t", "const char *", "struct %s *" % ident()]), ident())
                     for _ in range(rng.randint(1, 3)))
    out.append("static int %s(%s)" % (name, args))
    out.append("{")
    for _ in range(rng.randint(1, 3)):
        out.append("\tint %s = %d;" % (ident(), rng.randint(0, 99)))
    out.append("")
    for _ in range(rng.randint(3, 14)):
        r = rng.random()
        if r < 0.3:
            out.append("\tif (%s->%s == NULL)" % (ident(), ident()))
            out.append("\t\treturn %s(%s, %d);" % (ident(), ident(), rng.randint(-9, 9)))
        elif r < 0.5:
            out.append("\tfor (i = 0; i < %s; i++) {" % ident())
            out.append("\t\t%s[i] = %s(%s);" % (ident(), ident(), ident()))
            out.append("\t}")
        elif r < 0.65:
            out.append("\t/* %s */" % " ".join(words(rng.randint(4, 10))))
        else:
            out.append("\t%s = %s(%s, %s);" % (ident(), ident(), ident(), ident()))
    out.append("\treturn %s;" % ident())
    out.append("}")
    out.append("")


def c_file(target):
    out = ["/* SPDX-License-Identifier: Apache-2.0 */", "#include \"%s.h\"" % ident(), ""]
    n = 0
    while n < target:
        start = len(out)
        c_function(out)
        n += sum(len(l) + 1 for l in out[start:])
    return "\n".join(out) + "\n"


def md_file(target):
    out = ["# " + " ".join(words(rng.randint(2, 5))).title(), ""]
    n = 0
    while n < target:
        start = len(out)
        r = rng.random()
        if r < 0.15:
            out += ["#" * rng.randint(2, 4) + " " + " ".join(words(rng.randint(1, 5))).title(), ""]
        elif r < 0.25:
            out += ["- " + " ".join(words(rng.randint(3, 12))) for _ in range(rng.randint(2, 6))] + [""]
        elif r < 0.32:
            out += ["```c"] + ["%s(%s, %s);" % (ident(), ident(), ident()) for _ in range(rng.randint(2, 8))]
            out += ["```", ""]
        else:
            out += [" ".join(sentence() for _ in range(rng.randint(2, 5))), ""]
        n += sum(len(l) + 1 for l in out[start:])
    return "\n".join(out) + "\n"


def main():
    outdir, size_mb, qfile = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    total, i = 0, 0
    goal = int(size_mb * 1e6)
    while total < goal:
        d = os.path.join(outdir, "mod%02d" % (i % 37), "sub%02d" % ((i // 37) % 23))
        os.makedirs(d, exist_ok=True)
        size = int(rng.triangular(4000, 60000, 12000))
        if i % 2:
            text, name = md_file(size), "%s_%05d.md" % (ident(), i)
        else:
            text, name = c_file(size), "%s_%05d.c" % (ident(), i)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
        total += len(text)
        i += 1
    # Queries: words of ranks 50..5000 (neither stop words nor one-off names).
    with open(qfile, "w") as f:
        for q in range(100):
            k = 1 if q % 2 else 2
            f.write(" ".join(VOCAB[rng.randint(50, 5000)] for _ in range(k)) + "\n")
    print("%d files, %.1f MB" % (i, total / 1e6))


main()
