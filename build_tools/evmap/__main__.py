"""``python -m evmap``: the ``evmap`` command (see :mod:`evmap.adapters.cli`)."""

from evmap.adapters.cli import run

if __name__ == "__main__":
    run()
