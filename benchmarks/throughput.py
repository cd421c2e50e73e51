"""Training throughput on the Lee corpus: w2vlib against gensim's Word2Vec, at equal settings.

Run: .venv/bin/python benchmarks/throughput.py [--rounds N]   (prints one JSON object as its last line)

Both train skip-gram with negative sampling (K = 5), window 5, d = 100, min_count 2,
sample 1e-3, 20 epochs, on the same tokenised sentences (``w2vlib.tokenize`` of each line
of gensim's ``lee_background.cor``); gensim with one worker thread. The two alternate,
round after round with the same seeds, so a change in machine load falls on both.

Words per second count the corpus tokens in the vocabulary, once per epoch, divided by
the wall time of training (vocabulary building excluded), the way gensim counts them.
w2vlib steps on batches of 4096 pairs, its one setting gensim does not share; the
evaluation chapter (``book/evaluation.md``) checks the quality this gives against gensim's.
Quality is the Spearman correlation with WordSim-353 (gensim's ``wordsim353.tsv``),
averaged over the rounds: it shows the speed was not bought with worse vectors.
"""

import argparse
import json
import statistics
import time

from gensim.models import Word2Vec
from gensim.test.utils import datapath

from w2vlib import Embeddings, Vocabulary, tokenize, train

SETTINGS = dict(dim=100, window=5, negative=5, min_count=2, sample=1e-3, epochs=20)
BATCH_SIZE = 4096  # w2vlib's pairs per step (gensim steps pair by pair and has no such setting)


def lee_sentences() -> list[list[str]]:
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        return [tokenize(line) for line in f]


def run_w2vlib(sentences, vocab, seed: int) -> tuple[float, float]:
    model = train(sentences, vocab=vocab, seed=seed, progress=False, batch_size=BATCH_SIZE, **SETTINGS)
    spearman = model.wv.evaluate_word_pairs(datapath("wordsim353.tsv")).spearman
    return model.history.words_per_s, spearman


def run_gensim(sentences, seed: int) -> tuple[float, float]:
    model = Word2Vec(vector_size=SETTINGS["dim"], window=SETTINGS["window"], negative=SETTINGS["negative"],
                     min_count=SETTINGS["min_count"], sample=SETTINGS["sample"], sg=1, hs=0, workers=1, seed=seed)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=SETTINGS["epochs"])
    seconds = time.perf_counter() - start
    words = SETTINGS["epochs"] * sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key)
    vectors = Embeddings(model.wv.index_to_key, model.wv.vectors)   # scored by the same code as ours
    return words / seconds, vectors.evaluate_word_pairs(datapath("wordsim353.tsv")).spearman


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds, one seed each (default 3)")
    rounds = parser.parse_args().rounds
    sentences = lee_sentences()
    vocab = Vocabulary.build(sentences, min_count=SETTINGS["min_count"])
    ours, theirs = [], []
    for seed in range(1, rounds + 1):
        ours.append(run_w2vlib(sentences, vocab, seed))
        theirs.append(run_gensim(sentences, seed))
        print(f"seed {seed}: w2vlib {ours[-1][0]:9,.0f} words/s (WS353 {ours[-1][1]:.3f}), "
              f"gensim {theirs[-1][0]:9,.0f} words/s (WS353 {theirs[-1][1]:.3f})")
    ours_speed = statistics.median(s for s, _ in ours)
    theirs_speed = statistics.median(s for s, _ in theirs)
    print(json.dumps({"w2vlib_words_per_s": round(ours_speed), "gensim_words_per_s": round(theirs_speed),
                      "ratio": round(ours_speed / theirs_speed, 3),
                      "w2vlib_wordsim353": round(statistics.mean(q for _, q in ours), 4),
                      "gensim_wordsim353": round(statistics.mean(q for _, q in theirs), 4)}))


if __name__ == "__main__":
    main()
