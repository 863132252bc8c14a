"""Throughput, memory and cold start of the tagger against Kiwi's own speed, on the same text.

    python benchmarks/throughput.py [--mb 1] [--jobs 2] [--stages]

Two workloads, each repeated to at least ``--mb`` MB:

- **scraped pages**: the seed pages (menus, widgets, related news around one article);
- **article text**: the article bodies of the development corpus's training
  pages (``corpus/dev/train.jsonl``, the gold ``body`` ranges), little boilerplate.

For each, Kiwi is given exactly the text the tagger analyses: the tagger runs
first, and Kiwi then tokenises the ranges each of its Docs had analysed (the
detected article body by default; the whole page with ``body="mark"``), in
one batched call on all cores, with the tagger's Kiwi options. The ratio is
Kiwi's time over the tagger's on the same characters: 1.0 would mean the
tagger costs no more than its tokeniser.

Printed: per workload the tagger in one process (body mode, the default;
whole-page mode, as ``tag --all``), on ``--jobs`` worker processes, the
ratios to Kiwi, the peak RSS of ``python -m kgov_ner tag`` in a fresh process
on the scraped pages (alone and with ``--jobs``), the cold start of
``python -m kgov_ner tag`` on one seed, and the machine's load
(other processes take cores from both sides of a ratio, not equally).
With ``--stages``: where the tagger's time goes on article text.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def repeat(pages: list[str], mb: float) -> list[str]:
    out: list[str] = []
    while sum(len(t.encode("utf-8")) for t in out) < mb * 1_000_000:
        out.extend(pages)
    return out


def scraped_pages(mb: float) -> list[str]:
    return repeat([p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))], mb)


def article_text(mb: float) -> list[str]:
    """The gold article body of every training page of the development corpus, its ranges joined by a line break."""
    pages = []
    for line in (ROOT / "corpus" / "dev" / "train.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        pages.append("\n".join(doc["text"][a:b] for a, b in doc["body"]))
    return repeat(pages, mb)


def _count(tagger, texts):
    return sum(len(d.ents) for d in tagger.pipe(texts))


def _regions(tagger, texts) -> list[str]:
    """The pieces of ``texts`` the tagger had Kiwi analyse."""
    from kgov_ner.pipeline.tokenizer import analysed_regions

    return [text[a:b] for text, doc in zip(texts, tagger.pipe(texts)) for a, b in analysed_regions(doc)]


def rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds:>9,.0f} chars/s"


def kiwi_seconds(pieces: list[str], cores: int) -> float:
    """Kiwi's batched tokenisation of ``pieces``: the tagger's options, all cores as threads; best of two."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi(num_workers=cores, load_typo_dict=False, load_multi_dict=False)
    list(kiwi.tokenize(pieces[:5]))
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in kiwi.tokenize(pieces):
            pass
        best = min(best, time.perf_counter() - t0)
    return best


def workload(name: str, texts: list[str], taggers: dict, cores: int, jobs: int) -> dict[str, float]:
    """Time every tagger on ``texts`` and Kiwi on what each analysed; print the ratios."""
    from kgov_ner.engines.local import parallel_map

    chars = sum(map(len, texts))
    print(f"\n{name}: {len(texts)} pages, {chars:,} chars, {sum(len(t.encode('utf-8')) for t in texts) / 1e6:.1f} MB")
    ratios = {}
    for label, tagger in taggers.items():
        pieces = _regions(tagger, texts)
        analysed = sum(map(len, pieces))
        kiwi_s = kiwi_seconds(pieces, cores)
        _count(tagger, texts[:5])
        t0 = time.perf_counter()
        _count(tagger, texts)
        tag_s = time.perf_counter() - t0
        ratios[label] = kiwi_s / tag_s
        print(f"  {label}: analyses {analysed:,} chars ({analysed / chars:.0%} of the input)")
        print(f"    kiwi batched tokenize ({cores} threads), that text: {rate(analysed, kiwi_s)}")
        print(f"    tagger, 1 process:                          {rate(analysed, tag_s)}   "
              f"ratio {ratios[label]:.2f}   ({rate(chars, tag_s).strip()} of input)")
        if label == "body mode (default)":
            chunk = 8
            chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
            t0 = time.perf_counter()
            list(parallel_map(_count, chunks, jobs=jobs))
            par_s = time.perf_counter() - t0
            ratios[f"--jobs {jobs}"] = kiwi_s / par_s
            print(f"    tagger, --jobs {jobs} (incl. start-up):          {rate(analysed, par_s)}   "
                  f"ratio {kiwi_s / par_s:.2f}")
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0, help="size of each workload (default 1 MB)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stages", action="store_true", help="also time each stage of the pipeline")
    args = ap.parse_args()

    from kgov_ner import Tagger

    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    taggers = {"body mode (default)": Tagger(), "whole page (--all)": Tagger(body="mark")}
    ratios = {}
    for name, texts in (("scraped pages (seeds)", scraped_pages(args.mb)),
                        ("article text (dev train bodies)", article_text(args.mb))):
        ratios[name] = workload(name, texts, taggers, cores, args.jobs)
    if args.stages:
        stages(article_text(min(args.mb, 0.5)))

    rss = peak_rss(scraped_pages(args.mb), args.jobs)

    seed = sorted((ROOT / "seeds").glob("*.txt"))[1]
    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kgov_ner", "tag", str(seed)], check=True,
                       capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        starts.append(time.perf_counter() - t0)
    print(f"\npeak RSS of `python -m kgov_ner tag` on the scraped pages: " + ", ".join(
        f"{label} {mb:,.0f} MB" for label, mb in rss.items()))
    print(f"cold start of `python -m kgov_ner tag {seed.name}`: best {min(starts):.2f} s of 3")
    print("ratios to Kiwi on the same text: " + "; ".join(
        f"{name.split(' (')[0]}: " + ", ".join(f"{k.split(' (')[0]} {v:.2f}" for k, v in r.items())
        for name, r in ratios.items()))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def peak_rss(texts: list[str], jobs: int) -> dict[str, float]:
    """Peak RSS (MB) of ``tag`` in a fresh process on ``texts`` written as files: one
    process, then ``--jobs`` (the largest of the main process and its workers)."""
    import tempfile

    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
             " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            path = Path(tmp) / f"{i:04d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        for label, extra in (("1 process", []), (f"--jobs {jobs}", ["--jobs", str(jobs)])):
            run = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "kgov_ner", "tag", *extra, *paths],
                                 check=True, capture_output=True, text=True, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
            out[label] = int(run.stdout.split()[-1]) / 1024
    return out


def stages(texts: list[str]) -> None:
    """Seconds per stage of the default Tagger, the stages run one after another."""
    from kgov_ner import Tagger
    from kgov_ner.pipeline import features as feats
    from kgov_ner.pipeline.tokenizer import analysed_regions

    tagger = Tagger()
    _count(tagger, texts[:5])
    nlp = tagger.nlp
    t0 = time.perf_counter()
    docs = list(nlp.tokenizer.pipe(texts))
    print(f"\nstages on article text: tokenizer (body detection, Kiwi, Docs) {time.perf_counter() - t0:.2f} s", end="")
    for name, proc in nlp.pipeline:
        if name == "kgov_model":  # split into features and decoding (numpy, as the component does; CRFsuite)
            decoder = proc.estimator.decoder
            spans = []
            for doc in docs:
                tables = feats.DocTables(doc)
                for a, b in analysed_regions(doc):
                    span = doc.char_span(a, b, alignment_mode="expand")
                    if span is not None and len(span):
                        spans.append((doc, span, tables))
            t0 = time.perf_counter()
            scores = [feats.doc_scores(doc, span.start, span.end, decoder, tables) for doc, span, tables in spans]
            t1 = time.perf_counter()
            for k in range(0, len(scores), 32):  # the component's batches
                decoder.decode(scores[k:k + 32])
            t2 = time.perf_counter()
            items = [feats.doc_items(doc, span.start, span.end, proc.estimator.attributes, tables)
                     for doc, span, tables in spans]
            t3 = time.perf_counter()
            proc.estimator.predict(items)
            t4 = time.perf_counter()
            print(f"; model features {t1 - t0:.2f} s, numpy decoding {t2 - t1:.2f} s (CRFsuite's path: "
                  f"feature dicts {t3 - t2:.2f} s, CRFsuite {t4 - t3:.2f} s)", end="")
        t0 = time.perf_counter()
        docs = list(proc.pipe(docs)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]  # as nlp.pipe runs it
        print(f"; {name} {time.perf_counter() - t0:.2f} s", end="")
    print()


if __name__ == "__main__":
    main()
