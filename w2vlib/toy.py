r"""A toy corpus with planted structure: analogies and nearest neighbours that training must find.

Used in the chapter on trained embeddings (``book/embeddings.md``). It is small enough that
skip-gram trains on it in a second or two, and its structure is strong enough that the chapter
can assert what the trained vectors show.

Why the analogies follow from the counts: skip-gram with $k$ negatives approximately factorizes
the shifted PMI matrix, $v_w^\top u_c \approx \operatorname{PMI}(w, c) - \log k$ (Levy and
Goldberg, 2014). Each target word here is a bundle of attributes (*king* = male + royal + adult)
and draws its context words from its attributes' word lists, so its row of the PMI matrix is
made of one block per attribute, and $\text{king} - \text{man} + \text{woman}$ has the blocks
of *queen*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_int, check_interval

# Each attribute brings its own context words into a sentence.
_GENDER = {"male": ("he", "his", "him", "mr"), "female": ("she", "her", "hers", "mrs")}
_STATUS = {
    "royalty": ("throne", "crown", "palace", "reign", "court", "castle"),
    "commoners": ("street", "job", "market", "crowd", "shop", "town"),
    "family": ("home", "family", "kitchen", "dinner", "garden", "house"),
}
_AGE = {
    "adult": ("grown", "married", "tall", "wise", "old", "adult"),
    "young": ("young", "little", "school", "toys", "play", "small"),
}
# (male, female): status, age
_PEOPLE = {
    ("king", "queen"): ("royalty", "adult"),
    ("prince", "princess"): ("royalty", "young"),
    ("man", "woman"): ("commoners", "adult"),
    ("boy", "girl"): ("commoners", "young"),
    ("father", "mother"): ("family", "adult"),
    ("son", "daughter"): ("family", "young"),
}
# (country, capital, nationality words shared by the two)
_PLACES = (
    ("france", "paris", ("french", "seine", "louvre")),
    ("italy", "rome", ("italian", "tiber", "pasta")),
    ("spain", "madrid", ("spanish", "tagus", "flamenco")),
    ("germany", "berlin", ("german", "rhine", "bavaria")),
    ("japan", "tokyo", ("japanese", "fuji", "sushi")),
    ("china", "beijing", ("chinese", "yangtze", "mandarin")),
    ("russia", "moscow", ("russian", "volga", "kremlin")),
    ("egypt", "cairo", ("egyptian", "nile", "pyramids")),
)
_NATION = ("country", "nation", "border", "government")
_CITY = ("city", "capital", "mayor", "metro")
_COLOURS = ("red", "green", "blue", "yellow", "orange", "purple", "pink", "brown")
_COLOUR_WORDS = ("colour", "paint", "bright", "shade")
_THINGS = ("car", "dress", "shirt", "flower", "ball", "door")

_FUNCTION_WORDS = ("the", "a", "of", "and", "in", "to", "was", "is", "with", "on")
_FILLERS = ("said", "saw", "went", "day", "time", "people", "new", "good", "many", "often")
# A noisy context word is drawn from every context word but the nationalities: each of those
# belongs to one country, so noise among them would blur the country-capital pairs the most.
_NOISE_WORDS = tuple(w for words in (*_GENDER.values(), *_STATUS.values(), *_AGE.values(),
                                     _NATION, _CITY, _COLOUR_WORDS, _THINGS) for w in words)


@dataclass(frozen=True)
class ToyCorpus:
    """What :func:`toy_corpus` returns: the sentences and the structure planted in them."""

    sentences: list[list[str]]
    analogies: tuple[tuple[str, str, str, str], ...]   # a is to b as c is to d: b - a + c is nearest to d
    groups: dict[str, tuple[str, ...]]                 # e.g. "royalty/male" -> ("king", "prince")
    neighbours: dict[str, tuple[str, ...]]             # word -> the words that may be its nearest neighbour

    @property
    def n_tokens(self) -> int:
        """The number of tokens in all sentences."""
        return sum(len(s) for s in self.sentences)

    def missed_neighbours(self, wv) -> dict[str, str]:
        """The planted words whose nearest neighbour in ``wv`` (an :class:`~w2vlib.Embeddings`, by
        cosine) is not one of the words allowed for them, each with the neighbour found instead."""
        nearest = {w: wv.most_similar(w, topn=1)[0][0] for w in self.neighbours}
        return {w: found for w, found in nearest.items() if found not in self.neighbours[w]}

    def neighbours_found(self, wv) -> int:
        """How many planted words have an allowed nearest neighbour in ``wv`` (of ``len(neighbours)``)."""
        return len(self.neighbours) - len(self.missed_neighbours(wv))


def _slots() -> dict:
    """Each target word -> its attribute slots, each a tuple of context words.

    An attribute listed twice is drawn twice as often. For people, gender has one slot and
    status and age two each: gender is the weakest signal, so a person's nearest neighbour
    is the partner of the other gender (king, queen), who differs in gender only.
    """
    slots = {}
    for (male, female), (status, age) in _PEOPLE.items():
        shared = (_STATUS[status], _STATUS[status], _AGE[age], _AGE[age])
        slots[male] = (_GENDER["male"],) + shared
        slots[female] = (_GENDER["female"],) + shared
    for country, capital, nationality in _PLACES:
        slots[country] = (nationality, _NATION)
        slots[capital] = (nationality, _CITY)
    for colour in _COLOURS:
        slots[colour] = (_COLOUR_WORDS, _THINGS)
    return slots


def _at(words: tuple, u: float) -> str:
    """The word of ``words`` that a uniform number ``u`` in [0, 1) picks."""
    return words[int(u * len(words))]


def _sentence(target: str, slots: tuple, noise: float, u: np.ndarray, order: np.ndarray) -> list:
    """One sentence about ``target``: two context words, 1-2 function words, 0-1 filler, shuffled.

    ``u``: (11,) uniform numbers in [0, 1) that make every choice: ``u[0:2]`` the two slots,
    ``u[2:4]`` the word in each, ``u[4:6]`` whether it is noise, ``u[6]`` one or two function
    words, ``u[7:9]`` which, ``u[9]`` a filler or not, ``u[10]`` which.
    ``order``: (6,) a random order of the at most 6 tokens.
    """
    first, second = int(u[0] * len(slots)), int(u[1] * (len(slots) - 1))
    second += second >= first                                  # two distinct slots
    tokens = [target]
    for slot, u_word, u_noise in zip((first, second), u[2:4], u[4:6]):
        tokens.append(_at(_NOISE_WORDS if u_noise < noise else slots[slot], u_word))
    tokens += [_at(_FUNCTION_WORDS, v) for v in u[7:9][:1 + (u[6] < 0.5)]]
    if u[9] < 0.5:
        tokens.append(_at(_FILLERS, u[10]))
    return [tokens[j] for j in order if j < len(tokens)]


def _analogies() -> tuple:
    """Every gender parallelogram of the people and every country-capital one, both ways round.

    Parallelograms within one gender (king : man :: prince : boy) are not planted: gender is
    the weakest signal on purpose (see :func:`_slots`), so there the right word of the wrong
    gender is a close second; they hold in most trained models, not in all.
    """
    people = list(_PEOPLE)
    places = [(country, capital) for country, capital, _ in _PLACES]
    analogies = []
    for pairs in (people, places):
        for a, b in pairs:
            for c, d in pairs:
                if a != c:
                    analogies += [(a, b, c, d), (b, a, d, c)]
    return tuple(analogies)


def _groups() -> dict:
    groups = {}
    for (male, female), (status, _) in _PEOPLE.items():
        groups[f"{status}/male"] = groups.get(f"{status}/male", ()) + (male,)
        groups[f"{status}/female"] = groups.get(f"{status}/female", ()) + (female,)
    groups["countries"] = tuple(country for country, _, _ in _PLACES)
    groups["capitals"] = tuple(capital for _, capital, _ in _PLACES)
    groups["colours"] = _COLOURS
    return groups


def _neighbours() -> dict:
    neighbours = {}
    for a, b in list(_PEOPLE) + [(country, capital) for country, capital, _ in _PLACES]:
        neighbours[a], neighbours[b] = (b,), (a,)
    for colour in _COLOURS:
        neighbours[colour] = tuple(c for c in _COLOURS if c != colour)
    return neighbours


def toy_corpus(n_sentences: int = 8000, seed: int = 0, *, noise: float = 0.1) -> ToyCorpus:
    r"""A corpus of ``n_sentences`` short sentences with planted analogies and nearest neighbours.

    The generative process, one sentence at a time:

    1. Pick a target word uniformly among 36: twelve people (king, queen, prince, princess,
       man, woman, boy, girl, father, mother, son, daughter), eight countries and their
       capitals, eight colours.
    2. Draw two of the target's attribute slots without replacement and one context word
       uniformly from each. A person has five slots: gender (he, his, ...) once, status
       (royalty: throne, crown, ...; commoners: street, job, ...; family: home, kitchen, ...)
       twice and age (grown, married, ... or young, school, ...) twice. A country or a capital
       has two: its nationality words, shared by the pair (french, seine, louvre), and the kind
       of place, shared by all countries (country, nation, ...) or all capitals (city, mayor,
       ...). A colour has colour words (paint, bright, ...) and things (car, dress, ...).
    3. With probability ``noise``, a context word is replaced by one drawn uniformly from all
       context words but the nationalities.
    4. Add one or two function words (the, of, ...) and at most one filler (said, day, ...),
       drawn uniformly, and shuffle.

    So $P(c \mid w)$ is the mixture of $w$'s attributes, as the PMI argument in the module
    docstring wants. Only two context words go into a sentence so that the context words
    co-occur mostly with targets, not with each other: with five, *throne* would look like
    the average royal person and become *king*'s nearest neighbour.

    With the defaults (about 40,000 tokens, 136 words), gensim's skip-gram with ``vector_size``
    20 to 30, ``window`` 3 to 5, ``negative=5``, ``sample=1e-3`` and 10 epochs found every
    planted analogy (by 3CosAdd) and every planted nearest neighbour on each seed we tried
    (0-9; 0-39 with ``vector_size=25``, ``window=5``); ``tests/unit/test_toy.py`` checks three.
    Raising ``noise`` towards 1 erases the structure.
    Returns a :class:`ToyCorpus`; the same ``seed`` gives the same corpus.
    """
    n_sentences = check_int(n_sentences, "n_sentences", 1)
    seed = check_int(seed, "seed", 0)
    noise = check_interval(noise, "noise", 0, 1)
    rng = np.random.default_rng(seed)
    slots = _slots()
    targets = list(slots)
    chosen = rng.integers(len(targets), size=n_sentences)   # (n_sentences,) the target of each sentence
    u = rng.random((n_sentences, 11))                        # (n_sentences, 11) every other choice
    order = np.argsort(rng.random((n_sentences, 6)), axis=1)  # (n_sentences, 6) a random order of 6 places
    sentences = [_sentence(targets[t], slots[targets[t]], noise, u_i, order_i)
                 for t, u_i, order_i in zip(chosen, u, order)]
    return ToyCorpus(sentences, _analogies(), _groups(), _neighbours())
