"""Throughput, memory and cold start of the tagger against Kiwi's own speed.

    python benchmarks/throughput.py [--mb 2] [--jobs 2]

One run, one corpus (the seed pages repeated to at least ``--mb`` MB):

- Kiwi's batched tokenisation alone (one Kiwi, all cores as threads);
- the full tagger in one process (``Tagger().pipe``), default settings
  (article body only) and ``body="mark"`` (whole page, as ``tag --all``);
- the full tagger on ``--jobs`` worker processes (``tag --jobs``);
- their ratios to Kiwi, the peak RSS of this process and of one worker,
  and the cold start of ``python -m kgov_ner tag`` on one seed;
- with ``--stages``, where the tagger's time goes: the tokenizer (body
  detection, Kiwi, building the Docs), then each pipeline component over all
  the Docs, one after another.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def corpus(mb: float) -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out: list[str] = []
    while sum(len(t.encode("utf-8")) for t in out) < mb * 1_000_000:
        out.extend(pages)
    return out


def _count(tagger, texts):
    return sum(len(d.ents) for d in tagger.pipe(texts))


def rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds:>10,.0f} chars/s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stages", action="store_true", help="also time each stage of the pipeline")
    args = ap.parse_args()

    from kiwipiepy import Kiwi

    from kgov_ner import Tagger
    from kgov_ner.engines.local import parallel_map

    texts = corpus(args.mb)
    chars = sum(map(len, texts))
    cores = os.cpu_count() or 1
    print(f"corpus: {len(texts)} pages, {chars:,} chars, "
          f"{sum(len(t.encode('utf-8')) for t in texts) / 1e6:.1f} MB; machine: {cores} cores")

    # The same Kiwi options the tagger uses (kgov_ner.pipeline.kiwi), all cores as threads.
    kiwi = Kiwi(num_workers=cores, load_typo_dict=False, load_multi_dict=False)
    list(kiwi.tokenize(texts[:5]))
    t0 = time.perf_counter()
    for _ in kiwi.tokenize(texts):
        pass
    kiwi_s = time.perf_counter() - t0
    print(f"kiwi batched tokenize ({cores} threads):  {rate(chars, kiwi_s)}")
    del kiwi

    results = {}
    for label, kwargs in (("tagger, body only (default)", {}), ("tagger, whole page (--all)", {"body": "mark"})):
        tagger = Tagger(**kwargs)
        _count(tagger, texts[:5])
        t0 = time.perf_counter()
        _count(tagger, texts)
        results[label] = time.perf_counter() - t0
        print(f"{label + ', 1 process:':45s}{rate(chars, results[label])}   ratio {kiwi_s / results[label]:.2f}")
    rss_main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    chunk = 8
    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    t0 = time.perf_counter()
    list(parallel_map(_count, chunks, jobs=args.jobs))
    par_s = time.perf_counter() - t0
    rss_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{f'tagger, body only, --jobs {args.jobs} (incl. start-up):':45s}{rate(chars, par_s)}   "
          f"ratio {kiwi_s / par_s:.2f}")

    if args.stages:
        stages(texts)

    seed = sorted((ROOT / "seeds").glob("*.txt"))[1]
    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kgov_ner", "tag", str(seed)], check=True,
                       capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        starts.append(time.perf_counter() - t0)
    print(f"peak RSS: this process {rss_main:,.0f} MB, largest worker {rss_worker:,.0f} MB")
    print(f"cold start of `python -m kgov_ner tag {seed.name}`: best {min(starts):.2f} s of 3")


def stages(texts: list[str]) -> None:
    """Seconds per stage of the default Tagger, the stages run one after another."""
    from kgov_ner import Tagger
    from kgov_ner.pipeline import features as feats

    tagger = Tagger()
    _count(tagger, texts[:5])
    nlp = tagger.nlp
    t0 = time.perf_counter()
    docs = list(nlp.tokenizer.pipe(texts))
    print(f"stages: tokenizer (body detection, Kiwi, Docs) {time.perf_counter() - t0:.2f} s", end="")
    for name, proc in nlp.pipeline:
        if name == "kgov_model":  # split into features and CRFsuite
            from kgov_ner.pipeline.tokenizer import analysed_regions

            t0 = time.perf_counter()
            items = []
            for doc in docs:
                for a, b in analysed_regions(doc):
                    span = doc.char_span(a, b, alignment_mode="expand")
                    if span is not None and len(span):
                        items.append(feats.doc_items(doc, span.start, span.end, proc.estimator.attributes))
            t1 = time.perf_counter()
            proc.estimator.predict(items)
            t2 = time.perf_counter()
            print(f"; model features {t1 - t0:.2f} s, CRFsuite {t2 - t1:.2f} s", end="")
        t0 = time.perf_counter()
        docs = [proc(doc) for doc in docs]
        print(f"; {name} {time.perf_counter() - t0:.2f} s", end="")
    print()


if __name__ == "__main__":
    main()
