"""Build resources/sample-book.json from PISM Bulletin No. 58 (2559), 20 May 2025.

The sample book enters what the bulletin says about the Russian-Ukrainian
talks in Istanbul on 16 May 2025, record by record, each citing the
bulletin. One correction: the bulletin spells Finland's president
"Alexandr Stubb"; the record says Alexander Stubb and keeps the
bulletin's spelling as an alias. Names in Cyrillic are given in the
language of their bearer (Russian or Ukrainian).

Uids are derived from a fixed key per record, so rebuilding gives the same
file. Run from the repository root:  python db/make_sample_book.py
A test checks that the committed JSON matches this script's output.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tomllib
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktopapp import bookformat  # noqa: E402
from desktopapp.domain import (  # noqa: E402
    Actor,
    ActorKind,
    DurationApprox,
    ExportSettings,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Memo,
    MemoSection,
    Participant,
    ParticipantRole,
    Position,
    Recommendation,
    Source,
)

STAMP = "2025-05-20T12:00:00Z"
TARGET = Path(__file__).resolve().parent.parent / "resources" / "sample-book.json"
FACTS = Path(__file__).resolve().parent / "bulletin-facts.toml"
D = date.fromisoformat
HEAD, MEMBER = ParticipantRole.HEAD, ParticipantRole.MEMBER


def uid(key: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"briefing-desk sample {key}".encode()).digest()[:16],
                         version=4))


def stamps():
    return {"created_at": STAMP, "updated_at": STAMP}


# The copy of the bulletin we built from states no web address, so the record has none.
BULLETIN = Source(
    uid=uid("source:pism-58"), **stamps(),
    citation="Anna Maria Dyner, Maria Piechowska, “Russian-Ukrainian Delegations Meet in "
             "Istanbul”, PISM Bulletin No. 58 (2559), 20 May 2025, Polish Institute of "
             "International Affairs (PISM)")
SRC = [BULLETIN.uid]


def actor(key, name, kind=ActorKind.PERSON, *, native="", aliases=(), title="",
          affiliations=(), biography="", positions=(), tags=()):
    return Actor(uid=uid(f"actor:{key}"), **stamps(), kind=kind, name=name, native_name=native,
                 aliases=list(aliases), title=title,
                 affiliation_uids=[uid(f"actor:{a}") for a in affiliations],
                 biography=biography, positions=list(positions), tags=list(tags),
                 source_uids=SRC)


def position(topic, stance, as_of="2025-05-16"):
    return Position(topic, stance, D(as_of), BULLETIN.uid)


STATES = [
    actor("russia", "Russia", ActorKind.STATE, native="Россия", aliases=["Russian Federation"],
          positions=[
              position("Position since 2022",
                       "Even before the talks, Russia emphasised that its position has not "
                       "changed since 2022."),
              position("NATO",
                       "Demands guarantees from Western states that Ukraine will not join NATO."),
              position("Territory",
                       "Demands recognition of Crimea and the four Ukrainian regions of Donetsk, "
                       "Kherson, Luhansk and Zaporizhzhia (parts of which it has still failed to "
                       "fully occupy) as part of the Russian state."),
              position("Conditions for a ceasefire",
                       "If a ceasefire were to happen before the peace talks were finished, "
                       "Ukraine would have to give up mobilisation at that time and Western "
                       "states would have to give up military support."),
              position("Peacekeepers",
                       "Rejects the deployment of European peacekeepers in Ukraine, stressing "
                       "that the countries involved are NATO members."),
              position("Truce",
                       "A truce is only part of a broader agreement with Ukraine, not a "
                       "precondition for it."),
          ], tags=["russian-side"]),
    actor("ukraine", "Ukraine", ActorKind.STATE, native="Україна", positions=[
        position("Ceasefire",
                 "The peace process should depend on an unconditional ceasefire for at least "
                 "30 days."),
        position("Humanitarian issues",
                 "Return of removed Ukrainian children and of civilians detained in Russia; "
                 "exchange of prisoners of war on an \"all for all\" basis."),
        position("Negotiations",
                 "Aims to verify the Russian side's genuine readiness for real negotiations and "
                 "insists on direct talks between the leaders, Zelensky and Putin."),
        position("United States",
                 "Seeks to keep the U.S. engaged, since the U.S. can put pressure on Russia to "
                 "continue the talks (the bulletin's reading of why Zelensky flew to "
                 "Türkiye)."),
    ], tags=["ukrainian-side"]),
    actor("usa", "United States", ActorKind.STATE, aliases=["U.S.", "USA"]),
    actor("turkiye", "Türkiye", ActorKind.STATE, aliases=["Turkey"],
          positions=[position("Further talks",
                              "Ready to organise further rounds of negotiations.",
                              "2025-05-20")]),
    actor("e4", "E4", ActorKind.GROUP, aliases=["European Four"],
          title="France, Germany, Poland and the United Kingdom", tags=["e4"]),
    actor("france", "France", ActorKind.STATE, affiliations=["e4"], tags=["e4"]),
    actor("germany", "Germany", ActorKind.STATE, native="Deutschland", affiliations=["e4"],
          tags=["e4"]),
    actor("poland", "Poland", ActorKind.STATE, native="Polska", affiliations=["e4"],
          tags=["e4"]),
    actor("uk", "United Kingdom", ActorKind.STATE, aliases=["UK"], affiliations=["e4"],
          tags=["e4"]),
    actor("finland", "Finland", ActorKind.STATE, native="Suomi"),
    actor("holy-see", "Holy See", ActorKind.STATE, native="Sancta Sedes",
          positions=[position("Further talks",
                              "Ready to organise further rounds of negotiations.",
                              "2025-05-20")]),
    actor("eu", "European Union", ActorKind.ORGANISATION, aliases=["EU"]),
    actor("rvio", "Russian Military-Historical Society", ActorKind.ORGANISATION,
          native="Российское военно-историческое общество", affiliations=["russia"],
          biography="A nationalist society that promotes the Russian perspective on history; "
                    "headed by Vladimir Medinsky."),
]

PEOPLE = [
    # The Russian delegation at Istanbul, 16 May 2025
    actor("medinsky", "Vladimir Medinsky", native="Владимир Мединский",
          title="Presidential advisor", affiliations=["russia", "rvio"],
          biography="Led the Russian delegation in Istanbul, as he did in 2022. Conservative "
                    "culture minister from 2012 to 2020; now heads the nationalist Russian "
                    "Military-Historical Society, which promotes the Russian perspective on "
                    "history.",
          tags=["russian-delegation"]),
    actor("galuzin", "Mikhail Galuzin", native="Михаил Галузин",
          title="Deputy foreign minister", affiliations=["russia"],
          tags=["russian-delegation"]),
    actor("kostyukov", "Igor Kostyukov", native="Игорь Костюков",
          title="Head of the Main Intelligence Directorate and deputy chief of the General Staff",
          affiliations=["russia", "gru", "general-staff"], tags=["russian-delegation"]),
    actor("fomin", "Alexander Fomin", native="Александр Фомин",
          title="Deputy defence minister", affiliations=["russia"],
          tags=["russian-delegation"]),
    # The Ukrainian delegation
    actor("umerov", "Rustem Umerov", native="Рустем Умєров", title="Defence Minister",
          affiliations=["ukraine"],
          biography="Led the Ukrainian delegation in Istanbul; the only member of it who had "
                    "taken part in the 2022 negotiations.",
          tags=["ukrainian-delegation"]),
    actor("kyslytsya", "Serhiy Kyslytsya", native="Сергій Кислиця",
          aliases=["Sergiy Kyslytsya"], title="Deputy foreign minister",
          affiliations=["ukraine"], tags=["ukrainian-delegation"]),
    actor("poklad", "Oleksandr Poklad", native="Олександр Поклад",
          title="Deputy head of the Security Service of Ukraine",
          affiliations=["ukraine", "sbu"],
          tags=["ukrainian-delegation"]),
    actor("skibitsky", "Vadym Skibitsky", native="Вадим Скібіцький",
          aliases=["Vadym Skibitskyi"], title="Deputy head of military intelligence",
          affiliations=["ukraine"], tags=["ukrainian-delegation"]),
    # Leaders and ministers named in the bulletin
    actor("fidan", "Hakan Fidan", title="Foreign Minister", affiliations=["turkiye"],
          biography="Present at the Russian-Ukrainian talks in Istanbul on 16 May 2025."),
    actor("sybiha", "Andriy Sybiha", native="Андрій Сибіга", title="Foreign Minister",
          affiliations=["ukraine"],
          biography="Was present in Istanbul on 16 May 2025 but did not take part in the "
                    "meeting with the Russians."),
    actor("rubio", "Marco Rubio", title="Secretary of State", affiliations=["usa"]),
    actor("yermak", "Andriy Yermak", native="Андрій Єрмак",
          title="Head of the Office of the President of Ukraine", affiliations=["ukraine"]),
    actor("kellogg", "Keith Kellogg", title="U.S. special envoy for Ukraine and Russia",
          affiliations=["usa"]),
    actor("trump", "Donald Trump", title="President of the United States",
          affiliations=["usa"],
          positions=[position("Compromise",
                              "Suggests that it is mainly the Ukrainian authorities who should "
                              "be ready to compromise with Russia.", "2025-05-19"),
                     position("Trade with Russia",
                              "Promised that once the war is over Russia will be able to return "
                              "to regular trade with the U.S.; said trade could help Ukraine "
                              "rebuild the state.", "2025-05-19")]),
    actor("putin", "Vladimir Putin", native="Владимир Путин", title="President of Russia",
          affiliations=["russia"],
          biography="Rejected outright the draft ceasefire agreement of the U.S., Ukraine and "
                    "the E4 at a night-time press conference on 10 May 2025."),
    actor("zelensky", "Volodymyr Zelensky", native="Володимир Зеленський",
          aliases=["Volodymyr Zelenskyy", "Zelenskyy"], title="President of Ukraine",
          affiliations=["ukraine"],
          biography="Stated that he was ready to meet Putin; flew to Türkiye and declared his "
                    "readiness to go to Istanbul if Putin decided to do so."),
    actor("erdogan", "Recep Tayyip Erdoğan", aliases=["Erdogan"], title="President of Türkiye",
          affiliations=["turkiye"]),
    actor("macron", "Emmanuel Macron", title="President of France", affiliations=["france"]),
    actor("merz", "Friedrich Merz", title="Chancellor of Germany", affiliations=["germany"]),
    actor("von-der-leyen", "Ursula von der Leyen", title="President of the European Commission",
          affiliations=["eu"],
          biography="The bulletin calls her \"EU President\"."),
    actor("stubb", "Alexander Stubb", aliases=["Alexandr Stubb"], title="President of Finland",
          affiliations=["finland"],
          biography="The bulletin spells his first name \"Alexandr\"."),
]


# Organisations the bulletin names inside people's titles and Russia's demands (after the
# people, so that the records' ids stay those of earlier sample books)
ORGANISATIONS = [
    actor("nato", "NATO", ActorKind.ORGANISATION,
          aliases=["North Atlantic Treaty Organization"]),
    actor("general-staff", "General Staff of the Armed Forces of Russia",
          ActorKind.ORGANISATION, native="Генеральный штаб Вооружённых сил Российской Федерации",
          aliases=["General Staff"], affiliations=["russia"]),
    actor("gru", "Main Intelligence Directorate", ActorKind.ORGANISATION, native="ГРУ",
          aliases=["GRU"], affiliations=["russia", "general-staff"]),
    actor("sbu", "Security Service of Ukraine", ActorKind.ORGANISATION,
          native="Служба безпеки України", aliases=["SBU"], affiliations=["ukraine"]),
]


def people(*keys):
    return [uid(f"actor:{k}") for k in keys]


def seat(key, side, role=MEMBER):
    return Participant(uid(f"actor:{key}"), side, role)


def meeting(key, title, kind, day, **fields):
    return Meeting(uid=uid(f"meeting:{key}"), **stamps(), title=title, kind=kind, date=D(day),
                   status=MeetingStatus.HELD, source_uids=SRC, **fields)


MEETINGS = [
    meeting("e4-kyiv", "E4 leaders' meeting in Kyiv", MeetingKind.SUMMIT, "2025-05-10",
            place="Kyiv", host_uids=people("ukraine"),
            participants=[seat("france", "E4"), seat("germany", "E4"), seat("poland", "E4"),
                          seat("uk", "E4"), seat("ukraine", "Ukraine")],
            agenda="A ceasefire proposal for Ukraine, worked out after consultations with "
                   "President Trump.",
            outcomes="The U.S., Ukraine and the E4 countries prepared a draft agreement on a "
                     "ceasefire. The same day (10 May) Putin rejected the draft outright at a "
                     "night-time press conference.",
            follow_ups="To speed up the negotiations, Trump proposed a meeting in Istanbul; "
                       "European leaders, including President Macron, supported it.",
            tags=["ceasefire", "e4"]),
    meeting("zelensky-erdogan", "Zelensky and Erdoğan meet in Türkiye", MeetingKind.BILATERAL,
            "2025-05-15", place="Türkiye", host_uids=people("erdogan"),
            participants=[seat("zelensky", "Ukraine", HEAD), seat("erdogan", "Türkiye", HEAD)],
            agenda="Showing the importance of returning to negotiations with Russia.",
            outcomes="Zelensky declared his readiness to go to Istanbul if Putin decided to do "
                     "so.",
            tags=["istanbul-talks"]),
    meeting("us-ua-tr", "U.S.–Ukraine–Türkiye meeting in Istanbul", MeetingKind.MULTILATERAL,
            "2025-05-16", place="Istanbul", host_uids=people("turkiye"),
            participants=[seat("sybiha", "Ukraine", HEAD), seat("yermak", "Ukraine"),
                          seat("rubio", "United States", HEAD),
                          seat("kellogg", "United States"),
                          seat("fidan", "Türkiye", HEAD)],
            agenda="The state of Ukrainian-Russian negotiations; humanitarian issues, including "
                   "the release of prisoners of war and the return of Ukrainian children "
                   "removed to Russia.",
            outcomes="Held immediately before the start of the Ukrainian-Russian negotiations.",
            tags=["istanbul-talks", "humanitarian"]),
    meeting("western-position", "U.S. and Ukraine agree a position with Germany, France and "
            "the United Kingdom", MeetingKind.CONSULTATION, "2025-05-16", place="Istanbul",
            participants=[seat("usa", "United States"), seat("ukraine", "Ukraine"),
                          seat("germany", "Germany"), seat("france", "France"),
                          seat("uk", "United Kingdom")],
            outcomes="A position was agreed upon prior to the meeting with the Russian "
                     "delegation.",
            tags=["istanbul-talks"]),
    meeting("istanbul-talks", "Russian–Ukrainian talks in Istanbul", MeetingKind.TALKS,
            "2025-05-16", duration_minutes=120, duration_approx=DurationApprox.ALMOST,
            place="Istanbul",
            host_uids=people("turkiye"), mediator_uids=people("fidan"),
            participants=[seat("medinsky", "Russia", HEAD), seat("galuzin", "Russia"),
                          seat("kostyukov", "Russia"), seat("fomin", "Russia"),
                          seat("umerov", "Ukraine", HEAD), seat("kyslytsya", "Ukraine"),
                          seat("poklad", "Ukraine"), seat("skibitsky", "Ukraine"),
                          # at the table for the who's-who, as well as listed as mediator
                          Participant(uid("actor:fidan"), "Türkiye", ParticipantRole.MEDIATOR,
                                      "present at the talks")],
            agenda="The first official, direct Ukrainian-Russian talks since 2022, originally "
                   "scheduled for 15 May; held a day later in the presence of Turkish Foreign "
                   "Minister Hakan Fidan. They lasted almost two hours.",
            outcomes="Russia and Ukraine agreed only to exchange prisoners of war according to "
                     "the \"1,000 for 1,000\" formula.\n"
                     "Russia rejected Ukraine's proposal for a ceasefire and presented its own "
                     "demands, which Ukraine considered unrealistic.\n"
                     "Ukraine insisted on direct talks between the leaders, Zelensky and Putin.\n"
                     "On the day of the talks the two sides exchanged the bodies of fallen "
                     "soldiers: the Russian side handed over 909, the Ukrainian side 34.",
            follow_ups="Russia and Ukraine are due to meet in the near future to discuss "
                       "possible ceasefire options; the form and venue are not yet certain. "
                       "Türkiye and the Holy See have said they are ready to organise further "
                       "rounds.",
            tags=["istanbul-talks", "ceasefire", "prisoners-of-war"]),
    meeting("trump-putin", "Trump–Putin phone call", MeetingKind.PHONE_CALL, "2025-05-19",
            duration_minutes=120,
            participants=[seat("trump", "United States", HEAD), seat("putin", "Russia", HEAD)],
            outcomes="No concrete results. Trump stated that talks would begin \"immediately\" "
                     "and promised that once the war is over Russia will be able to return to "
                     "regular trade with the U.S.",
            tags=["ceasefire"]),
    meeting("trump-europe-call", "Trump's call with Zelensky, Macron, von der Leyen, Merz and "
            "Stubb", MeetingKind.PHONE_CALL, "2025-05-19",
            participants=[seat("trump", "United States", HEAD),
                          seat("zelensky", "Ukraine", HEAD), seat("macron", "France", HEAD),
                          seat("von-der-leyen", "European Union", HEAD),
                          seat("merz", "Germany", HEAD), seat("stubb", "Finland", HEAD)],
            agenda="Held after Trump's phone call to Putin.",
            outcomes="Trump conveyed the need for immediate ceasefire negotiations with Russia "
                     "and stated that trade could help Ukraine rebuild the state.",
            tags=["ceasefire"]),
]

AUTHORS = "Anna Maria Dyner, Maria Piechowska"
# The bulletin's recommendations carry no priority and no status: none is set (the
# program shows "no priority given" and "no status given"), so the book says only what
# the bulletin says.
RATIONALE = ("Russia lacks real readiness to make concessions and will seek to prolong the "
             "talks, which, with the ongoing hostilities, weakens Ukraine and gives Russia the "
             "opportunity to seize more territory. It is trying to take advantage of Trump's "
             "desire to conclude peace as soon as possible.")
RECOMMENDATIONS = [
    Recommendation(
        uid=uid("recommendation:pressure"), **stamps(),
        title="Increase the pressure on Russia",
        text="European states should step up the pressure on Russia, for instance by making "
             "clear that they are ready to impose further sanctions if it drags the war out.",
        addressee="European states", rationale=RATIONALE, priority=None, status=None,
        meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:trump-putin")],
        actor_uids=people("russia"), author=AUTHORS, date=D("2025-05-20"),
        tags=["sanctions"], source_uids=SRC),
    Recommendation(
        uid=uid("recommendation:support"), **stamps(),
        title="Support Ukraine during the negotiations",
        text="While the negotiations last, European states should back Ukraine militarily, "
             "economically and diplomatically.",
        addressee="European states",
        rationale="The outcome of the Trump–Putin call points to pressure on Ukraine to "
                  "abandon some of its demands, which increases the importance of maintaining "
                  "broad Western support for Ukraine.",
        priority=None, status=None,
        meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:trump-europe-call")],
        actor_uids=people("ukraine"), author=AUTHORS, date=D("2025-05-20"),
        tags=["support-for-ukraine"], source_uids=SRC),
    Recommendation(
        uid=uid("recommendation:us"), **stamps(),
        title="Keep cooperating with the U.S. and press for Ukraine's interests",
        text="European states should keep working with the U.S. on this and remind the "
             "Americans that Ukraine's interests must be secured.",
        addressee="European states",
        rationale="Trump suggests that it is mainly the Ukrainian authorities who should be "
                  "ready to compromise with Russia.",
        priority=None, status=None,
        meeting_uids=[uid("meeting:trump-putin"), uid("meeting:trump-europe-call")],
        actor_uids=people("usa", "ukraine"), author=AUTHORS, date=D("2025-05-20"),
        tags=["transatlantic"], source_uids=SRC),
]


# Our own memo on the bulletin, by the sample book's (fictional) analyst: it cites the
# bulletin as its source, says in our words what the bulletin reports and judges, and
# attributes every claim to whoever made it (Russia, Ukraine, Trump, the authors).
# One section per section of the bulletin; the recommendations are the bulletin's
# records, printed with their authors.
ANALYST = "Sample Analyst"
MEMO = Memo(
    uid=uid("memo:istanbul-talks"), **stamps(),
    title="After Istanbul: no breakthrough, and Russia keeps its demands",
    number="Sample memo No. 1", date=D("2025-05-21"), authors=[ANALYST],
    lead="A summary of PISM Bulletin No. 58 (2559), 20 May 2025, by Anna Maria Dyner and "
         "Maria Piechowska. The bulletin reports that the Russian and Ukrainian delegations "
         "met in Istanbul on 16 May 2025 — their first official face-to-face talks since 2022 "
         "— and reached no breakthrough. In the authors' judgement, only later rounds will "
         "show whether Moscow is prepared to drop any of its demands, and the Trump–Putin call "
         "of 19 May suggests that it is Ukraine that will be pressed to give ground. They "
         "conclude that keeping Western support for Ukraine broad, and pressing Russia harder "
         "to stop the fighting, now matters more.",
    sections=[
        MemoSection(
            "The Talks on 16 May",
            "Planned for 15 May, the talks were held a day later with the Turkish foreign "
            "minister, Hakan Fidan, in the room, and took almost two hours. The one thing "
            "both sides agreed on was a prisoner-of-war exchange, 1,000 for 1,000. According "
            "to the bulletin, Russia turned down Ukraine's ceasefire proposal — drawn up "
            "after consultations with President Trump when the leaders of the E4 (France, "
            "Germany, Poland and the United Kingdom) met in Kyiv on 10 May — and put forward "
            "demands of its own, which Ukraine called unrealistic. Ukraine, for its part, "
            "insisted on a meeting between Presidents Zelensky and Putin; the authors point "
            "out that agreeing to one would in effect oblige Moscow to recognise Zelensky as "
            "Ukraine's legitimate leader.\n\n"
            "Russia's delegation was again headed, as in 2022, by presidential adviser "
            "Vladimir Medinsky, a conservative who served as culture minister from 2012 to "
            "2020 and now leads the nationalist Russian Military-Historical Society, a body "
            "that promotes Russia's version of history. With him were Deputy Foreign Minister "
            "Mikhail Galuzin; Igor Kostyukov, head of the Main Intelligence Directorate (GRU) "
            "and deputy chief of the General Staff; and Deputy Defence Minister Alexander "
            "Fomin. Ukraine's delegation was headed by Defence Minister Rustem Umerov, the "
            "only one of its members who had also negotiated in 2022, with Deputy Foreign "
            "Minister Serhiy Kyslytsya, Oleksandr Poklad, deputy head of the Security Service "
            "of Ukraine (SBU), and Vadym Skibitsky, deputy head of military intelligence. The "
            "bulletin notes that Kyiv thereby matched the rank of the Russian team."),
        MemoSection(
            "The Diplomacy around the Ceasefire",
            "Istanbul was prepared by shuttle diplomacy, with the U.S. as the go-between: "
            "Washington consulted Ukraine, and separately Russia. Out of this the U.S., "
            "Ukraine and the E4 produced a draft ceasefire agreement, which Putin rejected "
            "outright at a night-time press conference that very day, 10 May. To speed "
            "things up, Trump then proposed talks in Istanbul, an idea European leaders, "
            "among them President Macron, supported. Zelensky said he was ready to meet "
            "Putin. Russia instead sent a team made up mostly of its 2022 negotiators, which "
            "the authors read as a sign that Moscow sees the talks as a resumption of the "
            "2022 negotiations — negotiations that, in their view, were meant to end in "
            "Ukraine's capitulation.\n\n"
            "Just before the Russian–Ukrainian session, Ukraine, the U.S. and Türkiye met in "
            "Istanbul: Foreign Ministers Andriy Sybiha and Hakan Fidan, Secretary of State "
            "Marco Rubio, Andriy Yermak, who heads President Zelensky's office, and Keith "
            "Kellogg, the U.S. special envoy for Ukraine and Russia. They reviewed the state "
            "of the negotiations and humanitarian questions, such as freeing prisoners of war "
            "and bringing home Ukrainian children taken to Russia. The U.S. "
            "and Ukrainian delegations also settled a common position with Germany, France "
            "and the United Kingdom before facing the Russians. On the day of the talks the "
            "two sides returned the bodies of fallen soldiers to each other: Russia handed "
            "over 909, Ukraine 34."),
        MemoSection(
            "Ukraine's Approach Is Unchanged",
            "Ukraine's position is that the peace process must now hinge on an unconditional "
            "ceasefire of at least 30 days, on the return of the Ukrainian children who were "
            "taken away and of the civilians held in Russia, and on exchanging all prisoners "
            "of war for all. Kyiv also wants to test whether Russia is really ready to "
            "negotiate. The authors add that Ukraine needs to keep Washington engaged, since "
            "the U.S. can press Russia to stay at the table. That is why, they explain, "
            "Zelensky flew to Türkiye, met President Recep Tayyip Erdoğan the day before the "
            "talks and declared that he would go to Istanbul if Putin did; Foreign Minister "
            "Sybiha was in Istanbul but stayed away from the session with the Russian side."),
        MemoSection(
            "What Russia Demands",
            "Before the talks began, Russia stressed that its position had not moved since "
            "2022. It repeated its demands for Western guarantees that Ukraine will stay out "
            "of NATO, and for recognition of Crimea and of the Donetsk, Kherson, "
            "Luhansk and Zaporizhzhia regions — parts of which it still does not fully "
            "control — as Russian territory. In Istanbul the Russian delegation insisted that "
            "a ceasefire agreed before the end of peace talks would oblige Ukraine to stop "
            "mobilising and Western states to stop their military support, terms Ukraine "
            "rejects. Russia also rules out European peacekeepers in Ukraine, arguing that "
            "their countries are NATO members; the authors expect this to make any "
            "mechanism for monitoring a ceasefire hard to set up. Their reading is that "
            "Moscow is counting on a long war, and on the U.S. and Europe doing less for "
            "Ukraine, to push Kyiv into accepting terms that are bad for it."),
        MemoSection(
            "The Outlook for a Ceasefire",
            "A further Russian–Ukrainian meeting on ceasefire options is expected soon, but "
            "its form and venue are open. Türkiye and the Holy See have offered to host more "
            "rounds, and after a two-hour telephone call with Putin on 19 May, "
            "Trump said that talks would start \"immediately\". The authors expect a "
            "compromise to be hard to reach, because Russia treats a truce as one element of "
            "a wider agreement with Ukraine rather than as a condition for it.\n\n"
            "They foresee long and difficult negotiations: in their assessment Russia shows no "
            "real willingness to concede anything and keeps repeating demands that would "
            "amount to Ukraine's de facto capitulation; it will try to drag the talks out "
            "while the fighting goes on, weakening Ukraine and giving Russian forces the "
            "chance to take more territory, and it hopes that Ukraine will be the one to walk "
            "away. The authors also see Russia exploiting Trump's wish for a quick peace that "
            "does not weigh all of Ukraine's demands: in the 19 May call, which produced "
            "nothing concrete, Trump promised that Russia could return to normal trade with "
            "the U.S. once the war is over.\n\n"
            "According to the authors, Trump also implies that concessions to Russia are "
            "expected above all of Kyiv. They point to his joint call, after speaking "
            "to Putin, with Zelensky, Macron, European Commission President Ursula von der "
            "Leyen, Chancellor Friedrich Merz and Finnish President Alexander Stubb, in which "
            "Trump urged immediate ceasefire talks with Russia and said that trade could help "
            "Ukraine's reconstruction."),
    ],
    meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:us-ua-tr"),
                  uid("meeting:trump-putin"), uid("meeting:trump-europe-call")],
    actor_uids=people("russia", "ukraine", "usa", "turkiye", "e4"),
    recommendation_uids=[r.uid for r in RECOMMENDATIONS],
    tags=["istanbul-talks"], source_uids=SRC)

SETTINGS = ExportSettings(organisation="Briefing Desk — sample book", classification="",
                          author=ANALYST)


def build() -> str:
    for record in [BULLETIN, *STATES, *PEOPLE, *ORGANISATIONS, *MEETINGS, *RECOMMENDATIONS, MEMO]:
        record.check()
    book = bookformat.book_to_dict({
        "sources": [BULLETIN], "actors": STATES + PEOPLE + ORGANISATIONS, "meetings": MEETINGS,
        "recommendations": RECOMMENDATIONS, "memos": [MEMO]}, SETTINGS.check())
    return bookformat.dumps(book)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text.lower())


def check_against(bulletin_file: Path) -> int:
    """Hold the facts table and the memo against a copy of the bulletin's text.

    Every quote in the facts table must be in the bulletin; runs of eight or more
    words that the memo shares with the bulletin are listed for a person to judge
    (names and titles are expected; sentences are not).
    """
    bulletin = " ".join(bulletin_file.read_text(encoding="utf-8").split())
    facts = tomllib.loads(FACTS.read_text(encoding="utf-8"))
    entries = [facts["bulletin"], *(e for key in ("actor", "position", "meeting",
                                                  "recommendation", "claim")
                                   for e in facts[key])]
    missing = [q for e in entries for q in e.get("bulletin", []) if q not in bulletin]
    for quote in missing:
        print(f"not in the bulletin: {quote!r}")
    memo = " ".join([MEMO.lead, *(s.body for s in MEMO.sections),
                     *(r.text for r in RECOMMENDATIONS)])
    words, size = _words(memo), 8
    source = _words(bulletin)
    shared = {tuple(source[i:i + size]) for i in range(len(source) - size + 1)}
    runs = []
    for i in range(len(words) - size + 1):
        if tuple(words[i:i + size]) in shared:
            if runs and i <= runs[-1][1] + 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
    for start, end in runs:
        print(f"memo shares with the bulletin: {' '.join(words[start:end + size])}")
    print(f"{len(missing)} quote(s) not found; {len(runs)} shared run(s) of {size}+ words")
    return 1 if missing else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-against", type=Path, metavar="BULLETIN.txt",
                        help="check the facts table's quotes and the memo against this copy "
                             "of the bulletin instead of writing the sample book")
    args = parser.parse_args()
    if args.check_against:
        sys.exit(check_against(args.check_against))
    TARGET.write_text(build(), encoding="utf-8")
    print(f"wrote {TARGET}")
