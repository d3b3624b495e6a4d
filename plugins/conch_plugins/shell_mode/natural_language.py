"""Tell English addressed to the agent from the arguments of a command.

A command's arguments are file names, subcommands, flags and values; a request is made of
function words (``the``, ``is``, ``why``, ``me``), report verbs (``says``, ``crashes``),
punctuation (``why?``, ``rejected,``) and contractions (``didn't``). This module scores those
signs over plain words; it never looks at the command index and never runs anything.

The word lists are general English and chat usage; weights were set on the routing corpus's
tune.tsv only (bench/route_bench.py), never on heldout.tsv.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from conch_plugins.shell_mode.control_syntax import has_compound_command
from conch_plugins.shell_mode.shell_words import ShellWords, split_shell


def word_set(words: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(words.split())


def _weights(weight: float, words: str) -> dict[str, float]:
    return dict.fromkeys(words.split(), weight)


# Words that almost never stand unquoted as an argument of a command.
_STRONG = _weights(
    1.0,
    """the is are was were be been being am it its this that these those what why how when
    where whose whatever whenever wherever please pls plz you your yours yourself we our us
    me my mine im they them their he she him her can could would should will shall might
    must does did doesnt dont didnt cant wont isnt arent wasnt werent shouldnt couldnt
    wouldnt havent hasnt not into onto about without everything anything nothing something
    everywhere somewhere anywhere whats hows wheres whos thats theres maybe because though
    although than very really probably actually instead anymore lately also whether forever
    always never sometimes often suddenly randomly constantly
    teh hte taht waht wat cna adn wiht jsut becuase yuo u ur fyi btw idk imo tbh iirc afaik""",
)
# Words that are sometimes arguments (make targets, subcommands) but mostly prose.
_MEDIUM = {
    **_weights(0.25, "i all up down new old first last next now"),
    **_weights(0.5, "a to in for with from at by as or and if so then any each only here"),
    **_weights(0.5, "again off out no way just still some too every there kind sort one"),
    **_weights(0.75, "an on of over under after before while until who which ahead"),
}
# Verbs that report what a command did: "docker compose up hangs on postgres".
_REPORT = {
    **_weights(
        0.75,
        """said showed kept crashed hung failed failing worked working warned seemed broke
        broken threw gives gave got gets stopped stuck complained complaining eating asking slow
        slower faster weird wrong better worse happened took errors has have had""",
    ),
    # Third person: a command's arguments are names, not "make test fails".
    **_weights(
        1.0,
        """says shows keeps crashes hangs fails works warns looks seems breaks throws
        complains happens means takes returns""",
    ),
}
# Imperatives that join a request ("cat the config and tell me"); weak alone, since many
# are also subcommands (git add, cargo fix, apt update).
_REQUEST = _weights(
    0.25,
    """fix explain tell check help add update show write clean make find look see try
    understand compare describe summarise summarize refactor rewrite improve""",
)
WORD_WEIGHTS: dict[str, float] = {**_REQUEST, **_REPORT, **_MEDIUM, **_STRONG}
FUNCTION_WORDS = frozenset(_STRONG) | frozenset(_MEDIUM)
"""English words that start prose and are never a mistyped command."""

REPLIES = word_set(
    """yes y yeah yep yup ya yea no n nope nah ok okay k kk sure thanks thank thx ty tysm
    cool nice great good perfect awesome excellent lgtm done continue cancel stop again why
    how what huh hmm hm hi hello hey both neither either explain shorter longer retry undo
    redo proceed right wrong correct exactly agreed fine oops sorry same wow weird damn
    please pls ack noted ah oh eh uh um hm ha lol none nevermind alright later skip
    cheers sweet option gotcha"""
)
"""Bare replies to the agent; some are also commands (``yes``, ``nice``, ``done``)."""

COMMON_VERBS = word_set(
    """add ask build bump change check clean compare convert create debug delete deploy
    describe document draft explain figure fix generate get give help implement improve
    hold install keep let list look make merge migrate move open optimise optimize port
    profile push pull put refactor remove rename replace review rewrite run scan search see
    set show speed split start stop suggest summarise summarize take tell test trace
    translate try undo update upgrade use write got need want kill sort watch wait sleep
    touch mount join link print read copy view close sync format expand work pass find"""
)
"""English verbs (many are also commands); near a command name they may still be a typo."""
_INFLECTIONS = ("s", "es", "ed", "d", "ing")

# Words whose arguments are free text: only words addressed to someone count as prose.
TEXT_COMMANDS = word_set("echo printf say notify-send banner figlet")
_ADDRESSED = word_set("you your u me my what why how please pls can could would back")
# Words whose first operand is a pattern to search for, which may be any word.
PATTERN_COMMANDS = word_set("grep egrep fgrep zgrep rg ag ack")
# Tools whose first argument is a subcommand, some of them English ("yarn why", "git am").
SUBCOMMAND_TOOLS = word_set(
    """git gh npm yarn pnpm bun cargo docker podman kubectl helm apt apt-get brew pip pip3
    poetry uv conda gem bundle rustup systemctl terraform aws gcloud az heroku dotnet deno"""
)

_PLAIN = re.compile(r"[A-Za-z][A-Za-z'-]*")
_TRAILING = re.compile(r"[?,!.:;]+$")
_SHOUTED = re.compile(r"[A-Z]{2,}[!:]")
# JSON starts `{"`, `[{` or `["`; `[ "$x" = y ]` (a space after `[`) is bash's test command.
_PASTED = re.compile(
    r"""^(?:\s+File\ "|\s+at\ |Traceback\ |diff\ --git\ |@@\ |\+\+\+\ |---\ a/
    |(?:async\ )?def\ \w+\s*\(|class\ \w+[(:]|from\ [\w.]+\ import\s
    |[\w./-]+:\d+(?::\d+)?:\ |\{\s*"|\[\s*\{|\["|[a-z][a-z+.-]*://|<[A-Za-z!/?]
    |(?!function\ )[a-z]\w*\ [\w\ <>\[\],.:&*]*\([^()]*\)[^;|&]*\{\s*$)""",
    re.VERBOSE,
)


def prose_score(words: Iterable[str], addressed_only: bool = False) -> float:
    """How much ``words`` (a command's arguments, as read by split_shell) read as English.

    About 1.0 means "clearly prose". Quoted words, flags, paths and variables score 0.
    """
    score = 0.0
    for raw in words:
        if "’" in raw:  # a typographic apostrophe: "didn’t", never shell syntax
            score += 1.0
            raw = raw.replace("’", "'")
        punctuation = _TRAILING.search(raw)
        word = raw[: punctuation.start()] if punctuation else raw
        if punctuation and word[-1:].isalpha() and not raw.startswith("-"):
            marks = punctuation.group()
            if "?" in marks:
                score += 1.0
            elif "," in marks or "!" in marks:
                score += 0.5
        if not _PLAIN.fullmatch(word):
            continue
        lower = word.lower()
        if addressed_only:
            score += 1.0 if lower in _ADDRESSED else 0.0
        else:
            score += WORD_WEIGHTS.get(lower, 0.0)
    return score


def is_english(word: str) -> bool:
    """True for a known English word or chat reply: "makes" is a word, "gits" a slip."""
    if word in WORD_WEIGHTS or word in REPLIES or word in COMMON_VERBS:
        return True
    return any(
        word.endswith(ending) and word[: -len(ending)] in COMMON_VERBS for ending in _INFLECTIONS
    )


def arguments_score(command: Sequence[str]) -> float:
    """Prose score of one simple command's arguments (``command[0]`` is the command)."""
    name, args = command[0], list(command[1:])
    if name in SUBCOMMAND_TOOLS and args and args[0].isalpha():
        del args[0]  # `yarn why`, `git am`: a subcommand, whatever English it resembles
    elif name in PATTERN_COMMANDS:
        operands = [i for i, arg in enumerate(args) if not arg.startswith("-")]
        if operands:
            del args[operands[0]]  # the pattern: any word may be searched for
    return prose_score(args, addressed_only=name in TEXT_COMMANDS)


def line_prose_score(line: str) -> float:
    """Prose score of a whole line, its first word included (for lines already run)."""
    return _line_score(split_shell(line))


def _line_score(words: ShellWords) -> float:
    score = float(words.contractions)
    for command in words.commands:
        score += prose_score(command[:1]) + arguments_score(command)
    return score


def looks_pasted(line: str) -> bool:
    """Output, a traceback, a diff, JSON or code pasted to show the agent."""
    first_line = line.lstrip("\n").split("\n", 1)[0]
    if _PASTED.match(first_line):
        return True
    head = first_line.split(None, 2)
    if head and len(head[0]) > 1 and head[0].endswith(":") and head[0][0].isalpha():
        return True  # "ls: cannot access …", "panic: …", "error[E0382]: …"
    return len(head) > 1 and bool(_SHOUTED.fullmatch(head[1]))  # "npm ERR! code …"


def reads_as_request(line: str) -> bool:
    """True when ``line`` reads as English addressed to someone, not as a command."""
    stripped = line.strip()
    if not stripped:
        return False
    if looks_pasted(stripped):
        return True
    bare = _TRAILING.sub("", stripped).lower()
    if bare in REPLIES and " " not in bare:
        return True
    words = split_shell(stripped)
    if has_compound_command(words):
        return False  # `for f in a b; do …; done`: "in", "a" are a loop's words, not prose
    return _line_score(words) >= 1.0
