"""``python -m govsearch``: the same command line as the ``govsearch`` script, for a checkout
that is not installed (QA pass 18: both testers reached for it and found no ``__main__``)."""

from govsearch.cli import main

main(prog_name="govsearch")
