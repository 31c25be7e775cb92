"""moto's server (`moto_server`), with local/moto_patches.py installed first,
so the local stack's embedded AWS behaves as AWS where the service relies on it.

    python -m local.moto_server -H 127.0.0.1 -p 5005
"""

from __future__ import annotations

from local import moto_patches


def main() -> None:
    moto_patches.install()
    from moto.server import main as moto_server

    moto_server()


if __name__ == "__main__":
    main()
