"""The phrase book of the built-in model: the regular expressions for each way of speaking."""

from __future__ import annotations

DONE_WORDS = r"(?:done|complete|completed|finished|resolved|closed|taken care of|sorted|handled|dealt with|ticked off|checked off|crossed off|over with|all set)"
UNDONE_WORDS = r"(?:not done|undone|incomplete|not complete|not completed|not finished|unfinished|pending|open|active|to ?do|uncompleted|not yet done|outstanding|unchecked|unticked)"
DELETE_VERBS = r"(?:delete|remove|scratch|erase|drop|trash|scrap|discard|del|rm|cancel|forget about|forget|get rid of|throw away|throw out|toss|ditch|nuke|cross out|eliminate|clear|wipe|purge|bin|axe|kill|nix|zap|dump|junk)"
COMPLETE_VERBS = r"(?:complete|finish|close|resolve|tick off|tick|check off|check|cross off|strike off|knock out|knock off|wrap up|done with|finished with|through with)"
PRIORITY_WORDS = r"(?:(?:a |the )?(?:very |super |really )?(?:high|top|highest|max|low|lowest|medium|normal|mid|moderate|minor)[- ]?(?:priority|prio|pri)|urgent|important|critical|not urgent|not important|unimportant|p[1-4]|priority (?:high|low|medium|normal|[1-4]))"

_HEADING_MOD = (
    r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|some|a few|a couple(?: of)?|few|more|other|another"
    rf"|quick|new|small|little|{PRIORITY_WORDS})"
)
_HEADING_NOUN = r"(?:ones?|things?|tasks?|items?|todos?|to-?dos?|bits|stuff)"
HEADING = (
    rf"(?:(?:these|those|the following|following|the rest|this lot|all of these|all these)(?:\s+{_HEADING_MOD})*(?:\s+{_HEADING_NOUN})?"
    rf"|(?:{_HEADING_MOD}\s+)*(?:{PRIORITY_WORDS}|{_HEADING_NOUN}))"
)
"""A heading before a colon that says how many or how important the tasks after it are, or only
points at them, never what they are ("an urgent one: fix the tap", "low priority: sort the shelf",
"three things: a, b, c", "these: a, b", "the following tasks: a, b"): the tasks are what follows,
the heading's priority applies to each."""

YES = r"(?:sure thing|yes sir|of course|y|yes|yep|yeah|yea|yup|ya|sure|ok|okay|k|confirm(?:ed)?|i confirm|do it|go ahead|go for it|please do|proceed|correct|right|absolutely|definitely|of course|affirmative|sounds good|that'?s (?:right|correct|fine)|i'?m sure|fine|alright|yes please|please|let'?s do it|delete (?:them|it|all|those|both)(?: all)?|yes,? (?:delete|remove|do it|go ahead|please|i'?m sure|confirm|sure|all of them|them all|both)(?: .*)?|(?:yes|yeah|yep|sure|ok|okay)[,!. ]+.*|100%|👍)"
NO = r"(?:neither(?: of them| one)?|none(?: of them| of those)?|n|no|nope|nah|cancel|cancel (?:that|it)|stop|don'?t|do not|never ?mind|nvm|forget it|abort|keep (?:them|it|those|both)|no thanks|no thank you|not now|wait|hold on|leave (?:it|them)|don'?t do (?:it|that)|not really|i changed my mind|changed my mind|(?:no|nope|nah)[,!. ]+(?:thanks?|thank you|don'?t.*|do not.*|wait.*|stop.*|cancel.*|keep .*|leave .*|never ?mind|not now|not yet|forget it|please|i changed my mind|that'?s (?:wrong|not (?:it|right))|not those|not that|no|nope))"
HELP = (
    r"(?:help(?: me)?|\?|what (?:else )?(?:are you able to|is it you|can this|does this|can this app|can this bot) (?:do|help with)|what (?:is this app|are your abilities|are your skills)|how can i use (?:you|this)|what else can you do|what kind of things can you do|what sort of things can you do|"
    r"what can (?:you|i) do(?: here| for me| with you)?|what (?:do|can) you (?:do|help with)|how (?:do|does) (?:this|it|you) work|what are you|who are you|"
    r"what is this|commands|what can i (?:say|ask|type|tell you)|how do i use (?:this|you|it)|what are your (?:features|capabilities|commands)|"
    r"instructions|usage|menu|options|what do i do|how can you help(?: me)?|what can you help (?:me )?with|what should i (?:say|type)|"
    r"what are the commands|what features do you have|how to use|tutorial|guide|can you help(?: me)?|i need help|what do you understand|examples?)"
)
GREET = r"(?:hi|hello|hey|hiya|howdy|yo|hallo|hola|good (?:morning|afternoon|evening|day)|greetings|sup|what'?s up|wassup|morning|evening|hey there|hi there|hello there|how are you(?: doing)?(?: today)?|how'?s it going)(?: there| todochat| bot| assistant| friend| buddy)?"
THANKS = r"(?:thanks?|thank you(?: so much| very much)?|thx|ty|tysm|cheers|great|awesome|perfect|nice|cool|ok(?:ay)?|got it|good|amazing|appreciate it|much appreciated|that'?s all|that'?s it|bye|goodbye|see you|see ya|later|good night|wonderful|excellent|brilliant|sweet|lovely|fantastic|great job|well done|good job|noted|understood|alright|fine)(?:[,! ]+(?:thanks?|thank you|a lot|so much|very much|bye|mate|buddy|that'?s all|for now|for the help|for your help|for that))*"
REDO = r"(?:redo(?: (?:that|it|this|the last (?:one|change|undo)))?|undo (?:the|my|that) undo|do (?:it|that) again after all)"
"""Re-applying what an undo reverted (rule family: redo + an optional object)."""
ACTIVITY = (
    r"(?:what|which tasks?|show(?: me)?|list)(?: did| have)? (?:i |we )?(?:changed?|done|edited|modified|updated)"
    r"(?: (?:today|yesterday|so far|recently|lately))?|(?:show |list )?(?:my |the )?(?:recent )?(?:activity|changes|history)"
    r"(?: (?:today|yesterday|log|feed))?|what changed(?: today| yesterday)?"
)
"""Asking for the change journal: "what did I change today?", "show my activity" (the words 'done'
after 'have I' ask about changes, not completed tasks only when no task words follow)."""
UNDO = (
    r"(?:undo(?: (?:that|it|this|the last (?:one|change|action|step|delete|deletion)|my last (?:\w+)|the delet(?:e|ion)|delete|deletion|last|everything))?|"
    r"revert(?: (?:that|it|this|the last change))?|restore(?: (?:it|that|them|those|the (?:last )?deleted (?:task|tasks|one|ones)|what i (?:just )?deleted|my tasks))?|"
    r"bring (?:it|that|them|those|the task|the tasks) back|put (?:it|that|them) back|take that back|undelete(?: .*)?|"
    r"i didn'?t mean (?:that|to(?: do that| delete (?:it|that|them|those))?)|oops|whoops|my bad|(?:please )?go back|"
    r"un-?delete(?: that| it)?|recover (?:it|that|them|the deleted (?:task|tasks|one|ones))|get (?:it|that|them) back|"
    r"(?:restore|undelete|recover) .+|bring back .+|bring .+ back)"
)
# Words that make a question about the task list (so "what's the weather?" is not a list request).
TASKY = (
    r"#\w|\b(?:tasks?|todos?|to-?dos?|list|agenda|plate|due|overdue|late|pending|completed?|done|finished|left|"
    r"remaining|open|outstanding|priority|urgent|important|tag(?:ged|s)?|deadlines?|reminders?|everything|anything|"
    r"(?:have|need|got) to do|should i do|to do|upcoming|scheduled|behind|items?|next|today|tomorrow|this week|"
    r"stuff|things|work|home|finish|accomplish|status|doing|needs? (?:to be )?done|on deck)\b"
)
ADD_LEAD = (
    r"(?:(?:add|create|insert|enter|log|capture|record|jot(?: down)?|note down|write down|put down|put|save|make|set|schedule)"
    r"(?: (?:a|an|the|one|another|new|some|my|this))*"
    r"(?: (?:new|quick|simple))?"
    r"(?: (?:task|todo|to-do|to do|item|reminder|entry|note|thing|one))?"
    r"(?:s)?(?: to (?:my|the) (?:todo |to-do |task )?list(?=\s*:))?(?: (?:to|for|about|that says|saying|called|named|titled|:|-))?|"
    r"new (?:task|todo|to-do|item|reminder)|new(?=\s*:)|(?:task|todo|to-do|to do|reminder|memo)(?=\s*[:\-])|"
    r"remind me(?: (?:to|about|of|that i (?:need|have) to|that|i need to))?|set (?:a|an) (?:reminder|alarm)(?: (?:to|for|about))?|"
    r"don'?t (?:let me )?forget(?: (?:to|about))?|do not forget(?: (?:to|about))?|dont forget(?: (?:to|about))?|"
    r"remember(?: (?:to|that i (?:need|have) to|about))?|note to self|"
    r"(?:i|we) (?:really |also |still |definitely |probably )?(?:need|have|got|must|should|gotta|want|ought|wanna|plan|intend|am going|'m going|'?ve got|'?d like|would like|will have|'ll have|'ll need|will need|must remember|need to remember|have to remember)(?: to)?|"
    r"(?:need|have|got|gotta|must|should) to|gotta|must|should|"
    r"(?:there'?s|there is) (?:a |an )?(?:task|thing|something)(?: (?:to|i need to))?|"
    r"(?:can|could) you (?:remind me|add)(?: to)?|i'?ll need to|need)"
)
LIST_LEAD = (
    r"(?:is anything|is there|are there|are any|is any|anything|show|list|display|view|see|get|give|tell|what|what'?s|whats|wats|wat|wots|which|any|anything|do i|did i|have i|how many|how much|find|search|look|"
    r"is there|are there|pull up|open|check|read|print|bring up|let me see|let'?s see|can i see|may i see|my|all|am i|where|when|whats|"
    r"pending|completed|overdue|due|today|tomorrow|this week|high priority|tasks|todos|to-?dos|everything|what else|remaining|upcoming)\b"
)
OVERDUE = (
    r"\b(?:overdue|late|past due|past (?:the |their |its |my )?(?:due date|deadline)s?|missed|behind|expired"
    r"|miss(?:ed)? (?:the |a |their |its |my |any )?(?:due date|deadline)s?|(?:due|deadline) (?:has |have )?(?:passed|gone by))\b"
)
"""A list question about tasks past their due date ("what's overdue?", "which did I miss the deadline on?")."""
NEXT_UP = (
    r"\bwhat'?s (?:up |coming (?:up )?)?next\b|\bwhats (?:up )?next\b|\bwhat (?:is|comes) next\b"
    r"|\bnext (?:thing|task|item|one|todo|to-?do|deadline)s?\b|\b(?:up|coming) next\b"
    r"|\bwhat (?:should|shall|do|must|can) (?:i|we) (?:do|tackle|work on|start(?: on)?|focus on|pick up) next\b"
)
"""Asking what comes next: the soonest-due open task leads the answer."""
OFF_TOPIC = (
    r"\b(?:weather|forecast|rain(?:ing|y)?|snow(?:ing)?|sunny|temperature|umbrella"
    r"|score|scores|won|win|winning|game|match|league|team|election|president|prime minister|news|headlines"
    r"|stock|stocks|bitcoin|price of|exchange rate|capital of|population|tall|how far|how old|distance"
    r"|joke|poem|story|song|riddle|recipe|translate|meaning of|define|definition|who (?:is|was|are|were)"
    r"|what time is it|time in|plus|minus|divided|multiplied|square root|\d+\s*(?:[-+*/x]|times|plus|minus|divided by|over)\s*\d+)\b"
)
"""Topics outside the task list: such a question gets an honest "I can't" and changes nothing."""
PRIORITY_UP = r"(?:raise|increase|bump|boost|upgrade|escalate|lift|up|push up|bring up|move up|crank up|prioriti[sz]e)"
"""Verbs that raise a task's priority ("raise the priority on X", "bump X up")."""
PRIORITY_DOWN = (
    r"(?:lower|reduce|decrease|drop|downgrade|lessen|de-?escalate|de-?prioriti[sz]e|demote|knock down|bring down"
    r"|move down|tone down|turn down)"
)
"""Verbs that lower a task's priority ("lower the priority on X", "downgrade X to low")."""
PRIORITY_ALONE = (
    r"(?:lower|reduce|decrease|downgrade|lessen|de-?escalate|de-?prioriti[sz]e|demote|escalate|prioriti[sz]e|upgrade"
    r"|raise|increase|boost)"
)
"""The priority verbs that say the change alone ("downgrade X"); "drop X"/"bump X" need up/down."""
LEVEL = r"(?:high|higher|highest|top|max|maximum|urgent|low|lower|lowest|minimum|medium|normal|mid|moderate|none|p[1-4])"
"""A priority level said as one word ("bump X to high", "make it low")."""
DAY_LIST = r"(?:to-?do list|todo list|task list|list|agenda|plan|schedule|todos|to-?dos|tasks|docket|plate)"
"""The nouns of "a day's list" ("tomorrow's list", "friday's agenda")."""
