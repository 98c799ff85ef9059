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

import hashlib
import sys
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
    Priority,
    Recommendation,
    RecommendationStatus,
    Source,
)

STAMP = "2025-05-20T12:00:00Z"
TARGET = Path(__file__).resolve().parent.parent / "resources" / "sample-book.json"
D = date.fromisoformat
HEAD, MEMBER = ParticipantRole.HEAD, ParticipantRole.MEMBER


def uid(key: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(f"briefing-desk sample {key}".encode()).digest()[:16],
                         version=4))


def stamps():
    return {"created_at": STAMP, "updated_at": STAMP}


BULLETIN = Source(
    uid=uid("source:pism-58"), **stamps(),
    citation="Anna Maria Dyner, Maria Piechowska, “Russian-Ukrainian Delegations Meet in "
             "Istanbul”, PISM Bulletin No. 58 (2559), 20 May 2025")
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
                 "Must maintain the interest of the U.S., which can put pressure on Russia to "
                 "continue the talks."),
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
          affiliations=["russia"], tags=["russian-delegation"]),
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
          title="Deputy head of the Security Service of Ukraine", affiliations=["ukraine"],
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
                          seat("uk", "E4"), seat("ukraine", "Ukraine", HEAD)],
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
                          seat("poklad", "Ukraine"), seat("skibitsky", "Ukraine")],
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
RATIONALE = ("Russia lacks real readiness to make concessions and will seek to prolong the "
             "talks, which, with the ongoing hostilities, weakens Ukraine and gives Russia the "
             "opportunity to seize more territory. It is trying to take advantage of Trump's "
             "desire to conclude peace as soon as possible.")
RECOMMENDATIONS = [
    Recommendation(
        uid=uid("recommendation:pressure"), **stamps(),
        title="Increase the pressure on Russia",
        text="European states should increase the pressure on Russia, including by signalling "
             "their readiness to introduce further sanctions for prolonging the war.",
        addressee="European states", rationale=RATIONALE, priority=Priority.HIGH,
        status=RecommendationStatus.PROPOSED,
        meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:trump-putin")],
        actor_uids=people("russia"), author=AUTHORS, date=D("2025-05-20"),
        tags=["sanctions"], source_uids=SRC),
    Recommendation(
        uid=uid("recommendation:support"), **stamps(),
        title="Support Ukraine during the negotiations",
        text="European states should support Ukraine militarily, economically and "
             "diplomatically during the negotiations.",
        addressee="European states",
        rationale="The outcome of the Trump–Putin call points to pressure on Ukraine to "
                  "abandon some of its demands, which increases the importance of maintaining "
                  "broad Western support for Ukraine.",
        priority=Priority.HIGH, status=RecommendationStatus.PROPOSED,
        meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:trump-europe-call")],
        actor_uids=people("ukraine"), author=AUTHORS, date=D("2025-05-20"),
        tags=["support-for-ukraine"], source_uids=SRC),
    Recommendation(
        uid=uid("recommendation:us"), **stamps(),
        title="Keep cooperating with the U.S. and press for Ukraine's interests",
        text="European states should maintain cooperation with the U.S. and indicate to the "
             "Americans the need to ensure Ukraine's interests.",
        addressee="European states",
        rationale="Trump suggests that it is mainly the Ukrainian authorities who should be "
                  "ready to compromise with Russia.",
        priority=Priority.MEDIUM, status=RecommendationStatus.PROPOSED,
        meeting_uids=[uid("meeting:trump-putin"), uid("meeting:trump-europe-call")],
        actor_uids=people("usa", "ukraine"), author=AUTHORS, date=D("2025-05-20"),
        tags=["transatlantic"], source_uids=SRC),
]


# The bulletin's structure as a memo record: lead, run-in section headings,
# then (rendered from the linked records) Recommendations and the who's-who.
MEMO = Memo(
    uid=uid("memo:bulletin-58"), **stamps(),
    title="Russian-Ukrainian Delegations Meet in Istanbul", number="No. 58 (2559)",
    date=D("2025-05-20"), authors=["Anna Maria Dyner", "Maria Piechowska"],
    lead="The first official, direct Ukrainian-Russian talks since 2022 took place on 16 May "
         "in Istanbul, but did not bring any breakthrough. Only further negotiations will show "
         "whether Russia will consider abandoning at least some of its demands. The outcome of "
         "the telephone conversation between U.S. President Donald Trump and Russian leader "
         "Vladimir Putin on 19 May points to a scenario in which pressure will be exerted on "
         "Ukraine to abandon some of its demands. This increases the importance of maintaining "
         "broad Western support for Ukraine and increasing pressure on the Russian authorities "
         "to end military operations as soon as possible.",
    sections=[
        MemoSection(
            "The Meeting in Istanbul",
            "The talks, originally scheduled for 15 May, took place a day later in the presence "
            "of Turkish Foreign Minister Hakan Fidan and lasted almost two hours. Russia and "
            "Ukraine agreed only to exchange prisoners of war according to the \"1,000 for "
            "1,000\" formula. Russia rejected Ukraine's proposal for a ceasefire, worked out "
            "after consultations with President Trump during the meeting of the E4 leaders "
            "(France, Germany, Poland and the United Kingdom) in Kyiv on 10 May, and presented "
            "its own demands, which Ukraine considered unrealistic.\n\n"
            "As in 2022, the Russian delegation was led by presidential advisor Vladimir "
            "Medinsky. The Ukrainian side was led by Defence Minister Rustem Umerov, matching "
            "the Russian side in the level of representation."),
        MemoSection(
            "The Diplomatic Situation Surrounding the Ceasefire",
            "The talks were preceded by shuttle diplomacy between Ukraine, Russia and the U.S. "
            "The U.S., Ukraine and the E4 countries prepared a draft ceasefire agreement, which "
            "Putin rejected outright on 10 May. Trump then proposed the meeting in Istanbul. "
            "Immediately before the talks, representatives of Ukraine, the U.S. and Türkiye met "
            "in Istanbul, and the U.S. and Ukrainian delegations agreed a position with "
            "Germany, France and the United Kingdom."),
        MemoSection(
            "The Framework of Ukraine's Approach to the Ceasefire Remains Unchanged",
            "Ukraine states that the peace process should depend on an unconditional ceasefire "
            "of at least 30 days, the return of removed Ukrainian children and detained "
            "civilians, and an \"all for all\" exchange of prisoners of war. It must maintain "
            "the interest of the U.S., which can put pressure on Russia to continue the talks."),
        MemoSection(
            "Russia's Demands on Ukraine and the West",
            "Russia reiterated its demands: guarantees that Ukraine will not join NATO and "
            "recognition of Crimea and the four Ukrainian regions of Donetsk, Kherson, Luhansk "
            "and Zaporizhzhia as part of the Russian state. A ceasefire before the end of the "
            "peace talks would require Ukraine to give up mobilisation and Western states to "
            "give up military support. Russia rejects European peacekeepers in Ukraine."),
        MemoSection(
            "Ceasefire Prospects",
            "Russia and Ukraine are due to meet again; Türkiye and the Holy See are ready to "
            "organise further rounds. A compromise will be difficult: for Russia a truce is "
            "only part of a broader agreement. Russia will seek to prolong the talks and is "
            "trying to take advantage of Trump's desire to conclude peace as soon as possible."),
    ],
    meeting_uids=[uid("meeting:istanbul-talks"), uid("meeting:us-ua-tr"),
                  uid("meeting:trump-putin"), uid("meeting:trump-europe-call")],
    actor_uids=people("russia", "ukraine", "usa", "turkiye", "e4"),
    recommendation_uids=[r.uid for r in RECOMMENDATIONS],
    tags=["istanbul-talks"], source_uids=SRC)

SETTINGS = ExportSettings(organisation="Briefing Desk — sample book", classification="",
                          author="")


def build() -> str:
    for record in [BULLETIN, *STATES, *PEOPLE, *MEETINGS, *RECOMMENDATIONS, MEMO]:
        record.check()
    book = bookformat.book_to_dict({
        "sources": [BULLETIN], "actors": STATES + PEOPLE, "meetings": MEETINGS,
        "recommendations": RECOMMENDATIONS, "memos": [MEMO]}, SETTINGS.check())
    return bookformat.dumps(book)


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
    print(f"wrote {TARGET}")
