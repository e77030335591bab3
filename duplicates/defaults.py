"""The duplicate check's defaults, apart from the check itself: the command line shows them in
its options without importing MinHash, scipy and the diff (~2 s of every command's start)."""

DEFAULT_THRESHOLD = 0.8
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
