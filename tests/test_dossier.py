"""What a card gathers from the store: the same records, read once each, not once per name."""

import datetime as dt

from desktopapp import dossier
from desktopapp.domain import Actor, Meeting, Participant, ParticipantRole


def plenary(store, size=30):
    people = [store.save(Actor(name=f"Delegate {n}", title="Adviser")) for n in range(size)]
    state = store.save(Actor(name="Ruritania", affiliation_uids=[]))
    people[0].affiliation_uids = [state.uid]
    people[0] = store.save(people[0])
    talks = store.save(Meeting(title="Earlier talks", date=dt.date(2025, 5, 1),
                               participants=[Participant(p.uid, "A") for p in people[:3]]))
    meeting = store.save(Meeting(
        title="Plenary", date=dt.date(2025, 5, 16), host_uids=[state.uid],
        participants=[Participant(p.uid, f"Side {n % 3}",
                                  ParticipantRole.HEAD if n < 3 else ParticipantRole.MEMBER)
                      for n, p in enumerate(people)]))
    return people, talks, meeting


def counting(store, monkeypatch):
    """Records of each kind read by ``get_many``, by id, as they are asked for."""
    asked = []
    get_many = store.get_many

    def counted(kind, ids):
        ids = list(ids)
        asked.extend((kind, i) for i in ids)
        return get_many(kind, ids)

    monkeypatch.setattr(store, "get_many", counted)
    return asked


def test_a_meeting_dossier_looks_its_people_up_together(store, monkeypatch):
    people, _talks, meeting = plenary(store)

    def one_by_one(*_args):
        raise AssertionError("a uid looked up alone")

    monkeypatch.setattr(store, "id_for_uid", one_by_one)
    asked = counting(store, monkeypatch)
    found = dossier.meeting_dossier(store, meeting.id)
    assert list(found.actors) == [p.uid for p in people] + [people[0].affiliation_uids[0]]
    assert found.actors[people[5].uid] == store.get("actor", people[5].id)
    # each person once, and nobody the card does not name (no renderer prints
    # the delegates' affiliations: the host Ruritania is not read again as one)
    actors_read = [number for kind, number in asked if kind == "actor"]
    assert sorted(actors_read) == sorted(a.id for a in found.actors.values())


def test_a_handout_reads_each_meeting_once_and_gathers_what_single_cards_do(store,
                                                                            monkeypatch):
    people, talks, meeting = plenary(store)
    single = [dossier.actor_dossier(store, p.id) for p in people]
    asked = counting(store, monkeypatch)
    handout = dossier.handout(store, meeting.id)
    # in delegation order: heads first, side by side
    order = [p.actor_uid for _, members in meeting.sides() for p in members]
    assert [d.actor.uid for d in handout.actors] == order
    by_uid = {d.actor.uid: d for d in single}
    assert handout.actors == [by_uid[uid] for uid in order]
    meetings_read = [i for kind, i in asked if kind == "meeting"]
    assert meetings_read == [talks.id]  # the plenary was read with its dossier, before
    # each delegate read once, with the meeting's dossier, not again for their card
    assert [i for kind, i in asked if kind == "actor"].count(people[7].id) == 1
