"""Pure text features the offline scorer relies on: sentences, fillers, hedges, lists, injections."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_MAX_SENTENCE_WORDS = 40

FILLERS: Final = ("um", "uh", "erm", "er", "uhm", "umm", "hmm", "mm", "ah", "like", "you know", "i mean")
_FILLER_RE = re.compile(
    r"\b(?:u+m+|u+h+|e+r+m*|h+m+|ah+|mm+)\b[,.]?\s*|\byou know\b,?\s*|(?<=[,.]\s)like,\s*|^like,\s*",
    re.IGNORECASE,
)
_COUNTED_FILLER_RE = re.compile(r"\b(?:u+m+|u+h+|e+r+m+|er|h+m+|mm+|ah+|you know|i mean)\b|\blike,", re.IGNORECASE)

FUNCTION_WORDS: Final = frozenset(
    """a an the and or but so because if then than that which who whom whose this these those it its is are
    was were be been being do does did have has had will would can could should may might must to of in
    on at by for with from into over under about as not no we i you they he she our my your their them
    us me when where while how what why there here also just only very more most less all any each every
    both either neither some such same other""".split()
)

HEDGES: Final = (
    "i think",
    "i guess",
    "maybe",
    "probably",
    "perhaps",
    "i'm not sure",
    "im not sure",
    "not sure",
    "i believe",
    "kind of",
    "sort of",
    "might be",
    "i suppose",
    "not 100%",
    "if i remember",
    "i'm not certain",
    "i don't really know",
    "no idea",
    "i don't know",
    "i dont know",
    "i am not sure",
    "possibly",
)
_DONT_KNOW = re.compile(
    r"\b(i (do not|don't|dont) (really |actually )?know|no idea|not (really |entirely )?sure|"
    r"never (really )?(used|worked with|touched|heard|seen|done)|"
    r"(haven't|have not|hasn't) (really |actually )?(used|worked with|touched|seen|done|dealt with|heard)|"
    r"not (really )?familiar|can't remember|cannot remember|don't remember|pass on this|"
    r"(i'd|i would|i will|i'll) (probably |just )?(google|look (it |that )?up|search for|have to look|ask)|"
    r"wouldn't want to guess|can't really (say|compare|explain|tell)|no experience with|"
    r"(don't|do not) want to make (something|anything|it) up|(i'd|i would) (need|have) to learn|"
    r"(i'd|i would) rather not guess|before giving a proper answer|"
    r"(couldn't|can't|could not|cannot) (really )?(tell|say|explain)|outside (of )?(what|anything) i'?ve|"
    r"(i'd|i would) have to (check|look|read|ask)|can you (rephrase|repeat)|i'?ll pass|i pass on)\b",
    re.IGNORECASE,
)
_CLAUSE_WORDS = frozenset(
    """i you we they it he she is are was were be been being am has have had do does did can could will would
    should may might must""".split()
)
_CONTRACTION = re.compile(r"(n't|'s|'re|'d|'ll|'ve|’s|’re|’d|’ll|’ve|n’t)$")
_BROKEN = re.compile(
    r"\b(the|a|an|of|to|is|are|and)\s*[,.?!;]|\b(the|a|an)\s+(the|a|an|and|is|are|which|so|it|of|to|in)\b|"
    r"\bthe\s+\w+\s+the\s+\w+\s+is\b",
    re.IGNORECASE,
)
BROKEN_SYNTAX_AT = 5.0  # per 100 words; rambling but real answers stay under it
_LIST_LINKS = frozenset({"and", "or", "also", "plus", "then"})
_BURST_FILLERS = frozenset({"yeah", "um", "uh", "like", "basically", "so"})
_DISCOURSE = frozenset({"yeah", "yes", "so", "okay", "ok", "right", "well", "basically", "like", "um", "uh", "you"})
_EXPERIENCE = re.compile(
    r"\b(in my (last|previous|current) (job|role|team|project|company)|at my (last|previous|current)|"
    r"we (had|built|used|moved|migrated|ran|saw|found|noticed|fixed|set|added|switched|cut|reduced|hit|"
    r"changed|introduced|rolled|designed|wrote|implemented|decided|replaced)|"
    r"i (built|used|led|fixed|migrated|designed|wrote|implemented|debugged|tuned|reduced|set up|owned|"
    r"introduced|noticed|found|worked|ran|added|changed|deployed|decided|replaced|handled)|"
    r"in production|on[- ]call|our (team|pipeline|platform|cluster|job|jobs|tables?|warehouse)|"
    r"one time|last year|a project where)\b",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(r"\b(for example|for instance|e\.g\.|such as|say we|imagine|let's say|like when)\b", re.I)
_NUMBER_WITH_UNIT = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:%|x\b|tb|gb|mb|kb|ms|s\b|sec|seconds|minutes?|mins?|hours?|days?|rows|"
    r"million|billion|k\b|nodes|executors|cores|partitions|files|times|percent)",
    re.IGNORECASE,
)
_REASONING = re.compile(
    r"\b(because|so that|which means|that means|therefore|otherwise|instead|whereas|however|the trade-?off|"
    r"trade-?offs?|depends on|the downside|the upside|at the cost of|in exchange|unless|as long as|since|"
    r"the reason|this avoids|this prevents|to avoid|to prevent|compared to|rather than|but)\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(
    r"\b(always|never|guaranteed?|guarantees|impossible|completely|entirely|automatically|forever|"
    r"at any time|no effect|nothing to do with|the only|basically free|100%|zero risk|every single)\b",
    re.IGNORECASE,
)
_STRUCTURE = re.compile(
    r"\b(first|second|third|then|next|finally|in short|overall|to summari[sz]e|two|three)\b", re.IGNORECASE
)
_NEGATION = re.compile(
    r"\b(not|no|never|n't|cannot|without|neither|nor|isn't|doesn't|don't|won't|aren't)\b", re.IGNORECASE
)
_CORRECTION = re.compile(
    r"\b(misconception|myth|people (often|wrongly|sometimes) (think|say|assume)|"
    r"it'?s not true|is wrong|a common mistake|contrary to)\b",
    re.IGNORECASE,
)

_INJECTION_PATTERNS: Final = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|any|the|"
        r"your)\b[^.\n]{0,30}\b(instructions?|rubric|rules?|criteria|guidelines?|prompt|scoring)",
        r"\b(give|award|assign|grant)\s+(this|the|my|me|it|him|her|them)\b[^.\n]{0,40}"
        r"\b(score|grade|marks?|points?|rating|10|ten|100|maximum|perfect|full)\b",
        r"\b(score|grade|rate|mark|evaluate)\s+(this|my)\s+(answer|response|reply)\s+(as|with|at|a|an)\b",
        r"\b(dear|note (to|for)|attention|hey|hi|hello)\s+(the\s+)?(ai|evaluator|grader|scorer|assessor|model|llm|"
        r"examiner|reviewer|interviewer bot|language model|assistant)\b",
        r"\b(as|you are) (an?|the) (ai|evaluator|grader|scorer|assessor|language model|llm)\b[^.\n]{0,40}"
        r"\b(must|should|will|need to|have to)\b",
        r"(^|\n)\s*(system|assistant|developer)\s*(prompt|message|note|override)?\s*:",
        r"\{\s*[\"']?(score|overall|grade|rating|technical_correctness)[\"']?\s*:",
        r"\b(10|ten)\s*(/|out of)\s*(10|ten)\b",
        r"\b(full|maximum|max|perfect|highest|top)\s+(marks|score|scores|points|rating|grade)\b",
        r"\bnew instructions?\b|\byou (are|must|will) now\b|\bjailbreak\b|\bprompt injection\b",
        r"\bthis (answer|response) (is|deserves|should (get|receive|be (scored|graded|rated)))\b",
        r"\b(instructions?|message|note|notice|reminder)\b[^.\n]{0,25}\b(for|to)\b[^.\n]{0,25}\b(grader|scorer|"
        r"evaluator|assessor|ai|model|llm|reviewer|marker|examiner)\b",
        r"\b(output|return|print|respond with|assign|set|report)\b[^.\n]{0,30}\b(overall|score|grade|rating)\b"
        r"[^.\n]{0,20}\b(10|ten|100|maximum|max|perfect|full)\b",
        r"\bautomated (grader|scorer|evaluator|grading|scoring|review)\b|\bpre-?approved\b",
        r"\b(scorer|grader|evaluator|assessor|rubric)\b[^.\n]{0,40}\b(must|should|has to|needs to|will)\s+"
        r"(give|score|grade|rate|award|mark|output|return|ignore)\b",
        r"\b(evaluator|grader|scorer|assessor|marker|reviewer|scoring|grading)\s+(instruction|note|override)s?\b",
        r"\b(whoever|whatever|anyone|anything)\b[^.\n]{0,25}\b(is |are )?(scoring|grading|evaluating|marking)\b",
        r"\b(grade|score|rate|mark)\s+(it|this|me|my answer|the answer)\s+as\b",
        r"\b(return|report|give|set)\s+(the|a|my)\s+(score|grade|rating|overall)\s+(as|of|to)\b",
        r"\bassume\b[^.\n]{0,40}\b(complete|correct|covered|full marks|expert)\b",
        r"\bas if (every|all|each) (point|expected point|criterion|criteria)s? (was|were|is|are) (covered|met)\b",
        r"\b(be|being) (generous|lenient|kind)\b[^.\n]{0,30}\b(score|grade|grading|marks?|rating|assessment)\b",
        r"\b(should|must|will|to) be (scored|graded|rated|marked|treated) as\b",
        r"\b(scoring|grading|marking|assessment|evaluation) (guidance|guidelines?|instructions?|criteria|note)\b"
        r"[^.\n]{0,20}\b(for|to)\b",
        r"\b(apply|use|follow) the (updated|new|latest|correct|real) (rubric|scoring|grading|criteria)\b",
        r"\bthe rubric (you were given|you have|is outdated|has changed|was updated)\b",
        r"\bbefore you (grade|score|rate|mark|evaluate)\b",
        r"\bfor the (assessment|evaluation|grading|scoring|grader|record)\b[^.\n]{0,40}\b(please|note|score|scored|"
        r"grade|graded|correct|marks?)\b",
        r"\b(top|highest|maximum|best) (band|tier|bracket|category)\b",
        r"[\[(]\s*(score|rating|grade|evaluation|result)\s*[:=]",
        r"\b(rating|score|grade)\s*=\s*\d",
        r"\b(hiring manager|interviewer|recruiter|panel)\b[^.\n]{0,40}\b(approved|agreed|said (i|this)|already)\b",
    )
)


@dataclass(frozen=True)
class TextFeatures:
    """Counts the rubric dimensions are built from."""

    words: int
    content_words: int
    sentences: int
    fillers: int
    hedges: int
    dont_know: bool
    experience_markers: int
    examples: int
    numbers_with_units: int
    reasoning_markers: int
    structure_markers: int
    absolute_sentences: int
    list_share: float
    function_word_ratio: float
    keyword_stuffed: bool
    word_salad: bool
    fragmented: bool
    injection_sentences: tuple[str, ...]


def words(text: str) -> list[str]:
    """The words of a text (numbers included)."""
    return _WORD.findall(text)


def strip_fillers(text: str) -> str:
    """The text without spoken fillers, so content is judged on its own."""
    cleaned = _FILLER_RE.sub("", text)
    return re.sub(r"\s{2,}", " ", cleaned).strip()


def count_fillers(text: str) -> int:
    """How many fillers (um, uh, you know, "like,") a transcript holds."""
    return len(_COUNTED_FILLER_RE.findall(text))


def split_sentences(text: str) -> list[str]:
    """Sentences, with very long spoken run-ons cut at commas or every ~25 words."""
    out: list[str] = []
    for raw in _SENTENCE_END.split(text):
        sentence = raw.strip()
        if not sentence or not words(sentence):
            continue
        out.extend(_cut_long(sentence))
    return out


def _cut_long(sentence: str) -> list[str]:
    if len(words(sentence)) <= _MAX_SENTENCE_WORDS:
        return [sentence]
    pieces: list[str] = []
    current: list[str] = []
    for part in re.split(r"(?<=,)\s+", sentence):
        current.append(part)
        if len(words(" ".join(current))) >= 25:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    return [p for chunk in pieces for p in _cut_words(chunk)]


def _cut_words(chunk: str) -> list[str]:
    tokens = chunk.split()
    if len(tokens) <= _MAX_SENTENCE_WORDS:
        return [chunk]
    return [" ".join(tokens[i : i + 25]) for i in range(0, len(tokens), 25)]


def injection_sentences(text: str) -> tuple[str, ...]:
    """Sentences that try to instruct the scorer instead of answering the question."""
    found = [s for s in split_sentences(text) if any(p.search(s) for p in _INJECTION_PATTERNS)]
    if not found and any(p.search(text) for p in _INJECTION_PATTERNS):
        found = [text.strip()]
    return tuple(found)


def _list_share(text: str) -> tuple[float, int]:
    pieces = re.split(r"[,;\n/|]+|\s-\s|\.\s", text)
    segments = [re.sub(r"^\s*(and|also|or|then|plus)\s+(also\s+)?", "", s, flags=re.I) for s in pieces]
    segments = [s for s in segments if words(s)]
    short = [s for s in segments if len(words(s)) <= 3]
    total = sum(len(words(s)) for s in segments) or 1
    return sum(len(words(s)) for s in short) / total, len(short)


def clause_rate(text: str) -> float:
    """Subjects, auxiliaries and contracted verbs per word: near 0 for lists and salad, not for sentences."""
    tokens = [t.lower() for t in words(strip_fillers(text))]
    clauses = sum(1 for t in tokens if t in _CLAUSE_WORDS or _CONTRACTION.search(t))
    return clauses / max(1, len(tokens))


def broken_syntax_rate(text: str) -> float:
    """Articles, prepositions and copulas left hanging ("the, the", "is the.", "the X the Y is") per 100 words."""
    content = strip_fillers(text)
    return 100 * len(_BROKEN.findall(content)) / max(1, len(words(content)))


def _word_salad(text: str) -> bool:
    """Terms and fillers strung together: broken syntax, or no clause and fragments that are only "yeah", "so"..."""
    if broken_syntax_rate(text) >= BROKEN_SYNTAX_AT:
        return True
    segments = [words(s.lower()) for s in re.split(r"[,;.!?\n]+", text) if words(s)]
    if len(segments) < 5 or clause_rate(text) >= 0.03:
        return False
    empty = sum(1 for s in segments if (s[0] in _DISCOURSE and len(s) <= 3) or s[-1] in FUNCTION_WORDS)
    return empty >= 2 and empty / len(segments) >= 0.15


def _fragmented(text: str) -> bool:
    """Spoken in short bursts between fillers: rambling, or salad; its claims need a sentence to count."""
    tokens = [t.lower() for t in words(text)]
    bursts = [words(strip_fillers(s)) for s in re.split(r"[,;.!?\n]+", text)]
    bursts = [b for b in bursts if b]
    if not tokens or not bursts:
        return False
    fillers = sum(1 for t in tokens if t in _BURST_FILLERS) / len(tokens)
    return fillers >= 0.08 and sum(len(b) for b in bursts) / len(bursts) <= 5


def has_negation(sentence: str) -> bool:
    """True when the sentence negates something."""
    return bool(_NEGATION.search(sentence))


def is_correction(sentence: str) -> bool:
    """True when the sentence names a misconception in order to reject it."""
    return bool(_CORRECTION.search(sentence))


def extract(text: str) -> TextFeatures:
    """All features of one answer (fillers are counted, then ignored for content)."""
    content = strip_fillers(text)
    tokens = words(content)
    lowered = " " + content.lower() + " "
    function = sum(1 for t in tokens if t.lower() in FUNCTION_WORDS)
    list_share, short_segments = _list_share(content)
    linked = [t for t in tokens if t.lower() not in _LIST_LINKS]  # "X, and Y, and also Z" is still a list
    ratio = sum(1 for t in linked if t.lower() in FUNCTION_WORDS) / len(linked) if linked else 0.0
    sentences = split_sentences(content)
    stuffed = short_segments >= 6 and list_share >= 0.55 and ratio < 0.3 and (len(sentences) <= 2 or list_share >= 0.75)
    return TextFeatures(
        words=len(tokens),
        content_words=len(tokens) - function,
        sentences=len(sentences),
        fillers=count_fillers(text),
        hedges=sum(lowered.count(" " + h + " ") + lowered.count(" " + h + ",") for h in HEDGES),
        dont_know=bool(_DONT_KNOW.search(content)),
        experience_markers=len(_EXPERIENCE.findall(content)),
        examples=len(_EXAMPLE.findall(content)),
        numbers_with_units=len(_NUMBER_WITH_UNIT.findall(content)),
        reasoning_markers=len(_REASONING.findall(content)),
        structure_markers=len(_STRUCTURE.findall(content)),
        absolute_sentences=sum(1 for s in sentences if _ABSOLUTE.search(s)),
        list_share=list_share,
        function_word_ratio=ratio,
        keyword_stuffed=stuffed,
        word_salad=_word_salad(text),
        fragmented=_fragmented(text),
        injection_sentences=injection_sentences(content),
    )
