from chalicelib.core import passwords


def test_common_password_list_ships_at_least_3000_entries():
    assert len(passwords.common_passwords()) >= 3000


def test_eight_characters_is_enough_and_seven_is_not():
    assert passwords.problem_with("zq8#kLm2") is None
    assert "8 characters" in passwords.problem_with("zq8#kLm")


def test_128_characters_are_allowed_and_129_are_not():
    assert passwords.problem_with("a quiet river " * 9 + "xx") is None
    assert "128" in passwords.problem_with("x" * 129)


def test_common_passwords_are_refused_whatever_their_case():
    assert "too common" in passwords.problem_with("Baseball1")  # on the list as baseball1
    assert "too common" in passwords.problem_with("QWERTYUIOP")


def test_context_words_are_refused():
    problem = passwords.problem_with("taylor-is-my-name", ("Taylor", "LC-2026-1"))
    assert "surname" in problem
    assert passwords.problem_with("xxlc-2026-1xx", ("Taylor", "LC-2026-1")) is not None


def test_unicode_passwords_are_accepted_and_verified():
    password = "ñandú 🐦 пароль 密码"
    hashed = passwords.hash_password(password)
    assert passwords.verify(password, hashed) == (True, False)


def test_no_truncation_a_late_character_matters():
    base = "p" * 99
    hashed = passwords.hash_password(base + "a")
    assert passwords.verify(base + "b", hashed)[0] is False


def test_hash_is_argon2id_at_owasp_parameters():
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_weaker_hash_is_flagged_for_rehash():
    from passlib.hash import argon2

    weak = argon2.using(type="ID", memory_cost=1024, time_cost=1, parallelism=1).hash("a long password")
    assert passwords.verify("a long password", weak) == (True, True)


def test_unknown_account_still_fails_after_spending_a_hash():
    assert passwords.verify("whatever it is", None) == (False, False)
