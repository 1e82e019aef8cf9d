"""Generated data that is not the city's: labelled Beispieldaten for a first start, and synthetic
network databases for benchmarks and scale tests. Never used by a write path on real data.
"""
