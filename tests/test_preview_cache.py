"""The preview cache: the same document for an unchanged book, a fresh one after any change."""

from desktopapp.documents import PreviewCache


def test_unchanged_record_is_shown_again_without_a_layout(sample_store):
    cache = PreviewCache()
    settings = sample_store.settings()
    meeting = sample_store.all_records("meeting")[0]
    first = cache.render(sample_store, meeting, settings)
    again = cache.render(sample_store, sample_store.get("meeting", meeting.id), settings)
    assert again is first and cache.hits == 1  # the same document: a lookup, not a layout
    assert cache.render(sample_store, meeting, settings, "a5") is not first


def test_a_change_to_a_linked_record_or_the_settings_renders_anew(sample_store):
    cache = PreviewCache()
    settings = sample_store.settings()
    meeting = next(m for m in sample_store.all_records("meeting") if m.participants)
    first = cache.render(sample_store, meeting, settings)
    actor = sample_store.get_by_uid("actor", meeting.participants[0].actor_uid)
    actor.title = "A new title for the card"
    sample_store.save(actor)  # the meeting itself is unchanged, its card is not
    second = cache.render(sample_store, sample_store.get("meeting", meeting.id), settings)
    assert second is not first and b"A new title" not in first.pdf
    settings.organisation = "Another organisation"
    assert cache.render(sample_store, meeting, settings) is not second


def test_unsaved_records_are_never_cached(sample_store):
    cache = PreviewCache()
    meeting = sample_store.all_records("meeting")[0]
    meeting.id = None
    settings = sample_store.settings()
    assert cache.render(sample_store, meeting, settings) is not cache.render(
        sample_store, meeting, settings)
