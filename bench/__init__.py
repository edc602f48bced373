"""The benchmark: `make bench` (bench/run.py) on a synthetic corpus (bench/corpus.py)."""
