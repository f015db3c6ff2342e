"""Word lists of the built-in model: verbs that start a task, past tenses, and their base forms."""

from __future__ import annotations

# Verbs people start a task title with ("buy milk", "call mom"): a bare message starting with
# one of them is a new task. Command verbs (add, delete, show ...) are not here.
TASK_VERBS = frozenset(
    ["buy", "call", "pay", "email", "mail", "text", "message", "phone", "ring", "write", "read", "book", "fix", "clean", "wash", "water", "feed", "walk", "pick", "drop", "take", "bring", "send", "return", "renew", "cancel", "schedule", "organize", "organise", "prepare", "plan", "finish", "submit", "file", "print", "sign", "order", "get", "grab", "check", "visit", "meet", "see", "go", "do", "make", "cook", "bake", "iron", "vacuum", "mop", "sweep", "tidy", "sort", "pack", "unpack", "install", "update", "upgrade", "backup", "back", "study", "practice", "practise", "learn", "review", "draft", "edit", "reply", "respond", "follow", "contact", "ask", "tell", "remind", "invite", "thank", "congratulate", "wrap", "collect", "deliver", "post", "ship", "mow", "trim", "paint", "repair", "replace", "charge", "refill", "fill", "top", "shop", "research", "apply", "register", "sign-up", "enroll", "enrol", "donate", "sell", "list", "move", "transfer", "deposit", "withdraw", "exchange", "print", "scan", "copy", "photocopy", "download", "upload", "attend", "join", "host", "celebrate", "call-back", "finalize", "finalise", "complete", "start", "continue", "research", "investigate", "test", "run", "jog", "exercise", "stretch", "meditate", "sleep", "rest", "relax", "feed", "groom", "bathe", "dust", "declutter", "recycle", "empty", "defrost", "marinate", "brew", "make-up", "cut", "shave", "hang", "fold", "load", "unload", "change", "swap", "rent", "lease", "insure", "vaccinate"]
)

IRREGULAR_PAST = {
    "paid": "pay", "bought": "buy", "did": "do", "went": "go", "sent": "send", "wrote": "write",
    "made": "make", "took": "take", "got": "get", "ran": "run", "met": "meet", "ate": "eat",
    "gave": "give", "found": "find", "sold": "sell", "told": "tell", "brought": "bring",
    "built": "build", "spoke": "speak", "drove": "drive", "fed": "feed", "left": "leave",
    "read": "read", "saw": "see", "swept": "sweep", "hung": "hang", "put": "put", "set": "set",
    "cut": "cut", "rang": "ring", "sang": "sing", "threw": "throw", "taught": "teach",
    "caught": "catch", "sought": "seek", "thought": "think", "won": "win", "wore": "wear",
    "held": "hold", "kept": "keep", "slept": "sleep", "spent": "spend", "lent": "lend",
    "understood": "understand", "froze": "freeze", "chose": "choose", "drew": "draw", "flew": "fly",
    "forgot": "forget", "grew": "grow", "knew": "know", "rode": "ride", "shook": "shake",
    "stole": "steal", "swam": "swim", "woke": "wake", "dug": "dig", "hid": "hide", "lit": "light",
    "ground": "grind", "mowed": "mow", "sewed": "sew", "emptied": "empty", "tidied": "tidy",
    "replied": "reply", "applied": "apply", "copied": "copy", "studied": "study", "carried": "carry",
    "tried": "try", "dried": "dry", "fried": "fry", "hurried": "hurry", "married": "marry",
    "worried": "worry", "readied": "ready", "done": "do", "picked": "pick", "finished": "finish",
    "completed": "complete",
}
# "-ed" words that are not the past of a task verb (or that mean something else here).
NOT_PAST = frozenset(
    ["need", "feed", "seed", "speed", "bleed", "breed", "weed", "embed", "shed", "bed", "red", "wed", "bred", "fed-up", "wanted", "needed", "added", "deleted", "removed", "created", "asked", "tried", "planned", "forgotten", "supposed", "used", "scheduled", "interested", "tired", "bored", "excited", "worried", "confused", "overdue", "due", "reopened", "unchecked", "renamed", "moved", "tagged", "changed", "updated", "marked", "listed", "showed", "showed", "named", "called-it"]
)
VERB_KIN = (
    ("buy", "get", "pick up", "grab", "purchase", "collect", "fetch", "order", "pick"),
    ("call", "phone", "ring", "text", "email", "e-mail", "message", "contact", "call back", "ring up", "reach out to"),
    ("send", "mail", "post", "ship", "drop off", "send off", "send out"),
    ("fix", "repair", "mend", "sort out"),
    ("clean", "tidy", "tidy up", "clean up", "clean out", "wash", "vacuum", "hoover"),
    ("book", "reserve", "schedule", "arrange", "set up"),
    ("pay", "settle", "pay off"),
)
"""Verbs a person uses for one another when they report an act ("picked up the groceries" for the
task "Buy groceries", "rang the plumber" for "Call the plumber"): a done/delete reference that names
no task with its own verb is tried again by its object (``planner._ref_calls``)."""
COMPLETION_VERBS = frozenset(["finish", "finished", "complete", "completed", "do", "did", "done", "accomplish", "accomplished"])


COMMANDS = (
    "add", "create", "delete", "remove", "complete", "finish", "mark", "rename", "change", "move",
    "reschedule", "update", "show", "list", "find", "search", "uncheck", "reopen", "remind", "cancel",
    "postpone", "undo", "clear", "display", "what's",
)
# Real words one typo away from a command; never "corrected".
_NOT_TYPOS = frozenset(
    ["lost", "last", "lust", "mask", "mart", "make", "mare", "more", "most", "must", "mist", "fine", "mine", "kind", "mind", "wind", "wine", "shop", "snow", "slow", "shoe", "shot", "move", "mode", "made", "cart", "card", "dark", "park", "remote", "remain", "reopens", "adds", "ads", "lift", "gift", "list's", "cleat", "clean", "cheer", "mark's"]
)


def correct_command(word: str) -> str:
    """``word`` itself, or the command it misspells by one letter ("delet" → "delete", "adda" → "add").

    Uses rapidfuzz's Damerau-Levenshtein distance; only words of 4+ letters that are not known
    words are corrected, and the first letter must agree.
    """
    from rapidfuzz.distance import DamerauLevenshtein

    low = word.lower()
    if len(low) < 4 or low in COMMANDS or low in TASK_VERBS or low in IRREGULAR_PAST or low in _NOT_TYPOS:
        return word
    for command in COMMANDS:
        if command[0] == low[0] and DamerauLevenshtein.distance(low, command) == 1:
            return command
    return word


def is_task_verb(word: str) -> bool:
    """True when ``word`` (any case) is a verb a task title commonly starts with."""
    return word.lower().strip(",.") in TASK_VERBS


def past_to_base(word: str) -> str | None:
    """The base form of a past-tense verb ("paid" → "pay", "called" → "call"), else None."""
    w = word.lower()
    if w in IRREGULAR_PAST:
        return IRREGULAR_PAST[w]
    if w in NOT_PAST or not w.endswith("ed") or len(w) < 5:
        return None
    stem = w[:-2]
    if stem.endswith("i"):
        return stem[:-1] + "y"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        candidate = stem[:-1]  # "shopped" → "shop"
        return candidate
    if stem + "e" in _E_VERBS or (w[:-1] in _E_VERBS):
        return w[:-1]
    return stem


_E_VERBS = frozenset(
    ["renew", "file", "fine", "schedule", "organize", "organise", "prepare", "practice", "practise", "move", "declutter", "recycle", "bake", "change", "cancel-e", "note", "write", "invite", "complete", "update", "upgrade", "shave", "solve", "replace", "charge", "exchange", "finalize", "finalise", "marinate", "vaccinate", "insure", "register-e", "leave", "make", "take", "lease", "double-check", "arrange", "tidy-e", "close", "dance", "date", "double", "measure", "price", "produce", "reduce", "rinse", "save", "score", "serve", "share", "shape", "store", "type", "use", "vote", "wipe"]
)
