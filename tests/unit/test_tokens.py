from chalicelib.core import tokens

SECRET = b"k" * 32


def test_link_token_round_trips_to_its_record_id():
    record_id = tokens.new_id()
    assert tokens.record_id_from(SECRET, "invitation", tokens.link_token(SECRET, "invitation", record_id)) == record_id


def test_record_ids_carry_128_random_bits():
    ids = {tokens.new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(tokens._unb64(i)) == 16 for i in ids)


def test_a_token_for_one_purpose_is_refused_for_another():
    token = tokens.link_token(SECRET, "reset", tokens.new_id())
    assert tokens.record_id_from(SECRET, "invitation", token) is None


def test_a_token_under_another_secret_is_refused():
    token = tokens.link_token(b"x" * 32, "invitation", tokens.new_id())
    assert tokens.record_id_from(SECRET, "invitation", token) is None


def test_tampered_or_malformed_tokens_are_refused():
    record_id = tokens.new_id()
    good = tokens.link_token(SECRET, "invitation", record_id)
    for bad in (good[:-1] + ("A" if good[-1] != "A" else "B"), "", "abc", "a.b.c", None, 42, "x" * 500,
                tokens.new_id() + "." + good.split(".")[1]):
        assert tokens.record_id_from(SECRET, "invitation", bad) is None


def test_session_tokens_are_long_and_stored_only_as_a_hash():
    token = tokens.new_session_token()
    assert len(token) >= 43
    assert tokens.session_key(token) != token and len(tokens.session_key(token)) == 64


def test_a_link_sealed_with_the_previous_secret_still_opens_after_rotation():
    old, new = b"o" * 32, b"n" * 32
    record_id = tokens.new_id()
    emailed = tokens.link_token(old, "invitation", record_id)
    assert tokens.record_id_from(new, "invitation", emailed) is None
    assert tokens.record_id_from(new, "invitation", emailed, previous=[old]) == record_id
    assert tokens.record_id_from(new, "reset", emailed, previous=[old]) is None
