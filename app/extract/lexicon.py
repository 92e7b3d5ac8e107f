"""Word lists the rules lean on. Facts about English news prose, kept apart from the logic so a
newsroom can see and extend them."""


def _forms(lemma: str) -> set[str]:
    """Base, -s, -ed and -ing forms of a regular verb."""
    if lemma.endswith("e"):
        return {lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    if lemma in _DOUBLING:  # "quip" too, though its "u" hides the doubling pattern
        return {lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    if lemma.endswith(("sh", "ch", "ss", "x")):
        return {lemma, lemma + "es", lemma + "ed", lemma + "ing"}
    return {lemma, lemma + "s", lemma + "ed", lemma + "ing"}


_DOUBLING = {"admit", "quip", "commit", "regret"}

# Forms that are mostly nouns or other senses in news copy: "several states", "continues to".
_AMBIGUOUS_FORMS = frozenset(
    """state states stating continue continues continuing post posts posting report reporting
    offer offers offering question questions point points object objects answer answers
    comment comments charge charges demand demands counter counters signal signals""".split()
)

# Verbs that report speech or writing: the core of attribution.
_SPEECH_LEMMAS = """
add acknowledge admit advise affirm agree allege announce answer argue ask assert assure
boast brag caution charge cite claim comment complain concede conclude confirm contend
continue counter criticize criticise declare decry demand deny describe detail dismiss
emphasize emphasise explain express insist instruct joke lament maintain mention
muse note object observe offer opine plead pledge point post predict proclaim promise
propose protest question quip reassure recall recount reiterate remark remind repeat reply
report respond retort reveal scoff shout state stress suggest swear testify thunder tweet
urge vow warn wonder write yell concur
concur disclose forecast indicate insist signal acknowledge declare
exclaim confess echo interject bark snap sneer gush plead pray chant scream whisper
implore beg inform lecture mock muse rave rant reckon reflect relate reply retweet
summarize summarise surmise tease underline underscore venture vent volunteer hint
""".split()

_IRREGULAR = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "swear": {"swear", "swears", "swore", "sworn", "swearing"},
    "speak": {"speak", "speaks", "spoke", "speaking"},
    "think": {"think", "thinks", "thought", "thinking"},
    "believe": {"believe", "believes", "believed", "believing"},
    "feel": {"feel", "feels", "felt", "feeling"},
    "know": {"know", "knows", "knew", "known", "knowing"},
    "find": {"find", "finds", "found", "finding"},
    "show": {"show", "shows", "showed", "shown", "showing"},
    "hold": {"hold", "holds", "held", "holding"},
    "put": {"put", "puts", "putting"},
    "learn": {"learn", "learns", "learned", "learnt", "learning"},
    "read": {"read", "reads"},
}

SPEECH_VERBS: frozenset[str] = frozenset(
    form
    for lemma in _SPEECH_LEMMAS
    for form in (_IRREGULAR.get(lemma) or _forms(lemma))
    if form not in _AMBIGUOUS_FORMS
) | frozenset(
    _IRREGULAR["say"]
    | _IRREGULAR["tell"]
    | _IRREGULAR["write"]
    | _IRREGULAR["swear"]
    | _IRREGULAR["read"]
)

# "shot back", "fired back": two words that report a reply.
PHRASAL_CUES: frozenset[str] = frozenset({"shot", "fired", "hit", "snapped", "pushed", "wrote"})

# Verbs of belief and finding: attribution corpora count them, a quote service reports them as
# indirect speech only when a source is named.
# An estimate is a figure worked out, not words said: "the institute estimated that 9,000 ...".
_COGNITION_LEMMAS = """fear hope expect worry doubt predict want plan intend refuse decline
estimate""".split()
COGNITION_VERBS: frozenset[str] = frozenset(
    form for lemma in _COGNITION_LEMMAS for form in _forms(lemma)
) | frozenset(
    _IRREGULAR["think"]
    | _IRREGULAR["believe"]
    | _IRREGULAR["know"]
    | _IRREGULAR["find"]
    | _IRREGULAR["show"]
    | _IRREGULAR["feel"]
    | _IRREGULAR["learn"]
    | {"seek", "seeks", "sought", "see", "sees"}
)

# Verbs that frame a quoted fragment rather than report a statement: "called it “a mistake”".
# Verbs that take a side on someone or something: attribution corpora count "X criticized Y",
# a quote store does not keep it as a quotation.
_STANCE_LEMMAS = """criticize criticise endorse defend support back oppose accuse praise blame
attack blast condemn denounce applaud welcome thank reject question challenge cite mock
fault rebuke scold chide lambaste berate""".split()
STANCE_VERBS: frozenset[str] = frozenset(
    form for lemma in _STANCE_LEMMAS for form in _forms(lemma)
) | {"slam", "slams", "slammed", "slamming"}

# Stances taken in words (one accuses, mocks, praises aloud): a quoted fragment after them is
# the speaker's own words. Not so for positions (support, oppose, back, endorse).
VERBAL_STANCE_VERBS: frozenset[str] = frozenset(
    form
    for lemma in """criticize criticise accuse praise blame attack blast condemn denounce applaud
    mock rebuke scold chide lambaste berate fault thank""".split()
    for form in _forms(lemma)
) | {"slam", "slams", "slammed", "slamming"}

NAMING_VERBS: frozenset[str] = frozenset(
    form
    for lemma in """call describe dub label term brand deride hail characterize characterise
    portray liken""".split()
    for form in _forms(lemma)
)

# Nouns for what a person does, read as part of a source's description: "the Florida senator".
ROLE_NOUNS: frozenset[str] = frozenset(
    """president secretary spokesman spokeswoman spokesperson minister chairman chairwoman
    director governor senator candidate nominee chief head leader mayor ambassador judge
    general commander envoy manager founder author professor lawyer attorney counsel
    prosecutor congressman congresswoman speaker adviser advisor aide economist analyst
    strategist pollster official officer consultant commentator host anchor columnist
    editor writer reporter correspondent historian scholar expert businessman businesswoman
    billionaire mogul activist chairperson treasurer member representative lawmaker
    legislator justice sheriff commissioner superintendent pastor bishop rabbi imam
    actor actress singer star coach player chair councilmember councilor councillor
    alderman supervisor trustee chancellor provost dean principal teacher nurse doctor
    surgeon physician firefighter detective trooper deputy marshal clerk auditor
    comptroller administrator regulator negotiator mediator diplomat delegate
    guard forward center striker midfielder defender goalkeeper quarterback pitcher
    catcher shortstop outfielder infielder receiver linebacker captain manager
    advocate campaigner organizer founder owner chef architect engineer ceo cfo coo cto
    co-founder cofounder executive researcher scientist astronomer astrophysicist
    spokesman prince princess king queen duke duchess earl countess emperor empress pope
    monarch sultan emir""".split()
)

# Words that may stand between a subject and its verb: "has also said", "had repeatedly warned".
AUXILIARIES: frozenset[str] = frozenset(
    """has have had also later previously then once often repeatedly publicly privately
    recently would will did does do is was were are be been has been reportedly quickly simply
    just further again earlier first last subsequently separately still long since already
    even never not frequently openly directly flatly bluntly angrily calmly however though
    too instead now only soon alone""".split()
) | {a + c for a in "'\u2019" for c in ("s", "re", "ve", "m", "d", "ll")}  # "He’s claiming"

PRONOUNS: dict[str, str] = {
    "he": "m",
    "she": "f",
    "they": "p",
    "we": "p",
    "i": "s",
    "it": "n",
}

# Heads of noun phrases that name a source without naming a person.
ANONYMOUS_HEADS: frozenset[str] = frozenset(
    """official officials source sources aide aides adviser advisers advisor advisors
    insider insiders diplomat diplomats staffer staffers person people officer officers
    spokesman spokeswoman spokesperson representative representatives lawmaker lawmakers
    analyst analysts expert experts observer observers critic critics supporter supporters
    witness witnesses resident residents voter voters investigator investigators prosecutor
    prosecutors member members leader leaders strategist strategists operative operatives
    executive executives employee employees scientist scientists researcher researchers
    economist economists activist activists democrats republicans user users commenter
    commenters viewer viewers reader readers fan fans protester protesters protestors
    demonstrator demonstrators attendee attendees delegate delegates donor donors worker
    workers participant participants student students parent parents mother father woman
    women man men someone somebody narrator announcer friend friends neighbor neighbors
    relative relatives colleague colleagues percent half third quarter majority plurality
    respondents americans police authorities families organizer organizers boy boys girl
    girls child children kid kids teen teens teenager teenagers crowd audience advocate
    advocates accountant accountants nurse nurses doctor doctors teacher teachers""".split()
)

# Heads of noun phrases that are institutions, documents or polls rather than people.
ORGANIZATION_HEADS: frozenset[str] = frozenset(
    """campaign committee commission department ministry agency administration government
    office court party council board union group company firm organization organisation
    institute foundation association network station newspaper paper magazine outlet
    statement report poll polls survey surveys study studies data analysis memo letter
    document documents filing complaint lawsuit indictment ruling order release
    website site spokesmen editorial article piece ad ads advertisement video spot email
    emails tweet tweets post message letter headline slogan sign book column op-ed blog
    transcript footage filing platform resolution petition bank banks network university
    school hospital city county jury panel team family firm agencies companies groups
    government governments organizations industry ranking rankings index tally count
    estimate estimates suit court numbers figures results records polling research evidence
    findings statistics automaker automakers carmaker carmakers manufacturer retailer
    startup start-up airline insurer lender conglomerate chipmaker drugmaker""".split()
)

# Capitalized words that mark a name as an institution: "State Department", "the Kremlin".
ORGANIZATION_WORDS: frozenset[str] = frozenset(
    """Department Ministry Kremlin Pentagon Congress Senate House Parliament Agency
    Administration Office Court Party Committee Commission Council Campaign Government
    University Institute Foundation Association Union Group Company Corp Corporation Inc
    Bank Fund Center Centre Bureau Service Services Police Army Navy Force Forces Military
    News Post Times Journal Tribune Herald Gazette Press Reuters Network Radio Television
    Magazine Daily Poll Policy Organization Organisation Coalition Alliance Caucus Cabinet
    Embassy Council Board Authority Republicans Democrats GOP NATO FBI CIA NSA EU UN WHO
    State Inc Inc. Ltd Ltd. LLC Co. Corp. PLC AG GmbH Studios Labs Laboratory Laboratories
    Systems Technologies Holdings Partners Capital Motors Airlines Airways Mining Pharma
    Pharmaceuticals Media Entertainment Society Hospital School College Academy Club
    Festival Museum Library Trust Agency Foundation Observatory Stadium Field Arena Hotel
    Suites Inn Mall Airport""".split()
)

COUNTRIES: frozenset[str] = frozenset(
    """Russia Ukraine China Iran Israel Britain France Germany Japan India Pakistan Turkey
    Syria Iraq Afghanistan Mexico Canada Brazil Cuba Venezuela Egypt Poland Moldova Belarus
    Washington Moscow Beijing Kyiv Kiev Tehran London Paris Berlin Brussels Pyongyang Seoul
    Tokyo Ankara Damascus Jerusalem Europe America Spain Italy Greece Sweden Finland Norway
    Denmark Hungary Romania Georgia Lebanon Jordan Qatar Yemen Libya Sudan Nigeria Kenya""".split()
)

# Outlets by the words their names use, for "told CBS News" versus "told Blinken".
MEDIA_WORDS: frozenset[str] = frozenset(
    """News Post Times Journal Tribune Herald Gazette Press Reuters Radio Television TV
    Magazine Daily Network Channel Bloomberg Politico Axios CNN CBS NBC ABC MSNBC CNBC Fox
    BBC NPR PBS AP AFP UPI Guardian Telegraph Atlantic Breitbart Newsweek Hill Vox Slate
    Economist Observer Independent Sun Mirror Express Examiner Globe Chronicle Bulletin
    Wire Insider Intercept Axios Yahoo HuffPost Post-Dispatch Sunday Tonight Today Show
    Meet Nation Face Interfax TASS RIA Xinhua Al Jazeera VOA RFE RFI DW ITV CNET Deadline
    Variety Wired Verge Gizmodo Engadget TechCrunch Forbes Fortune Reporter Standard
    Star-Tribune Star Courier Enquirer Dispatch Ledger Sentinel Register Record Review
    Digest Week Weekly Monitor Inquirer Podcast""".split()
)

# Capitalized words that are part of a role, not of a name: stripped to find the name.
TITLE_WORDS: frozenset[str] = frozenset(
    """President Vice Secretary Sen. Senator Rep. Representative Gov. Governor Mayor
    Minister Prime Foreign Defense Defence State Chancellor Speaker Leader Majority Minority
    Chairman Chairwoman Chair Director Judge Justice Gen. General Adm. Admiral Col. Lt. Sgt.
    Capt. Dr. Mr. Mrs. Ms. Miss Prof. Professor Rev. Ambassador Attorney Commissioner
    Spokesman Spokeswoman CEO Chief Executive Deputy Assistant Press Democratic Republican
    Democrat GOP Former Acting Interior Homeland Security Treasury Health Energy Labor
    Commerce Education Agriculture Transportation Affairs National Federal U.S. US UK U.K.
    British Russian Ukrainian American Chinese Israeli Iranian French German European
    Presidential Candidate Nominee Congressman Congresswoman Councilman Councilwoman
    Pope King Queen Prince Princess Supreme
    Defence Emeritus Ret. Sheriff Officer Lawyer Counsel Adviser Advisor Envoy Special
    Intelligence Staff Campaign Manager Spokesperson Minister-President Premier Mr Mrs Ms Dr
    Councilmember Councilman Councilwoman Councillor Alderman Supervisor Superintendent
    Trustee Coach Captain Guard Forward Striker Officer Detective Trooper Deputy Marshal
    Of of the The Party Committee Chairperson Independent Libertarian Green Lead
    Del. Delegate Assemblyman Assemblywoman Assemblymember Cmdr. Supt. Det. Insp. Atty. Sens.
    Reps.""".split()
)

# Honorifics kept as part of a name, as a reader would say it: "Lord Cameron".
HONORIFICS: frozenset[str] = frozenset({"Lord", "Lady", "Sir", "Dame", "Baroness", "Baron"})
FEMALE_MARKERS: frozenset[str] = frozenset(
    {
        "Mrs.",
        "Ms.",
        "Mrs",
        "Ms",
        "Miss",
        "Lady",
        "Dame",
        "Baroness",
        "Queen",
        "Princess",
        "spokeswoman",
        "Chairwoman",
        "chairwoman",
        "Congresswoman",
        "congresswoman",
        "she",
    }
)

DETERMINERS: frozenset[str] = frozenset(
    """a an the another one two three four five several some many other others both this
    that these those his her their its our unnamed anonymous""".split()
)

# Lowercase words that belong to a source's description: "a senior administration official".
DESCRIPTIVE: frozenset[str] = frozenset(
    """senior top former longtime veteran chief leading prominent local state federal
    national foreign military administration campaign party""".split()
)

# Words that end a noun phrase when reading leftwards from a verb.
CLAUSE_BREAKERS: frozenset[str] = frozenset(
    """that which who whom whose when while as because but and or if after before since
    where so than with without though although whether until unless once for to in on at
    by from of about over under into against during amid among like what how why""".split()
)

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    """mr mrs ms dr sen rep gov gen lt col sgt capt adm st jr sr prof rev u.s u.k u.n e.u
    jan feb mar apr aug sept sep oct nov dec no vs inc corp co ltd mt ft d.c u.s.a
    p.m a.m r d i del cmdr supt det insp atty sens reps""".split()
)


# A verb that takes a side is never read as a report of speech.
SPEECH_VERBS = SPEECH_VERBS - STANCE_VERBS
# Verbs whose gerund object is what was said: "denied taking", "admitted to hiding".
ADMISSION_VERBS: frozenset[str] = frozenset(
    form for lemma in ("deny", "admit", "acknowledge", "confess") for form in _forms(lemma)
)
