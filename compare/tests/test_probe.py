"""Reading stored password hashes, cookies and pytest's summary line."""

from compare import probe, spec


def test_hash_schemes_and_costs_are_read_from_the_stored_value():
    assert probe.parse_hash("pbkdf2_sha256$1000000$salt$hash") == {
        "scheme": "pbkdf2_sha256",
        "cost": "1,000,000 iterations",
    }
    assert probe.parse_hash("scrypt:32768:8:1$salt$hash") == {
        "scheme": "scrypt",
        "cost": "N=32768, r=8, p=1",
    }
    assert probe.parse_hash("pbkdf2:sha256:600000$salt$hash")["cost"] == "600,000 iterations"
    assert probe.parse_hash("plain")["scheme"] == "unknown"


def test_cookie_flags_are_read_from_set_cookie():
    cookie = probe.parse_cookie(
        "sessionid=abc; expires=x; HttpOnly; Max-Age=1; Path=/; SameSite=Lax"
    )
    assert cookie == {
        "name": "sessionid",
        "httponly": True,
        "secure": False,
        "samesite": "Lax",
        "path": "/",
        "persistent": True,
    }
    assert probe.parse_cookie("csrftoken=x; Path=/")["samesite"] == "not set"


def test_pytest_summary_line_is_read():
    read = spec.parse_summary(
        "....\n== 2 failed, 424 passed, 76 warnings in 397.89s (0:06:37) ==\n"
    )
    assert read["counts"] == {"failed": 2, "passed": 424}  # outcomes, not warnings
    assert read["reported_seconds"] == 397.89


def test_spec_rules_are_read_whole():
    rules = spec.spec_rules()
    assert rules[0]["id"] == "READ-1"
    assert all(rule["text"].endswith(".") for rule in rules)
    assert len({rule["id"] for rule in rules}) == len(rules)
