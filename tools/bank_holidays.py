"""Writes chalicelib/core/data/bank-holidays-england-and-wales.txt: the bank
holidays of England and Wales (which share them), from the `holidays` package,
kept up to date upstream (one-off holidays, substitute days).

The Lambda package carries this small file, not the package (14 MB unpacked,
every country's holidays). `make bank-holidays` writes it again after the
package is upgraded; tests/unit/test_conversation.py fails while the file and
the installed package disagree.

    .venv/bin/python -m tools.bank_holidays
"""

from __future__ import annotations

from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2024, 2040
OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "core" / "data" / "bank-holidays-england-and-wales.txt"


def lines() -> list[str]:
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return [f"{day.isoformat()} {name}" for day, name in sorted(found.items())]


def text() -> str:
    import holidays

    header = [f"# Bank holidays of England and Wales, {FIRST_YEAR}-{LAST_YEAR}: one a line, date then name.",
              f"# Written by `make bank-holidays` (tools/bank_holidays.py) from the holidays package "
              f"{holidays.__version__}; do not edit by hand."]
    return "\n".join(header + lines()) + "\n"


def main() -> None:
    OUT.write_text(text(), encoding="utf-8")
    print(f"wrote {OUT} ({len(lines())} days)")


if __name__ == "__main__":
    main()
