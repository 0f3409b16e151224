"""Parses a metrics exposition on stdin with the Prometheus Python client's parsers.

Usage: python3 parse_exposition.py openmetrics|text
Prints one line per metric family ("name type samples") and exits 0, or prints the parser's
complaint and exits 1. The OpenMetrics parser is strict: it rejects the whole scrape on any
violation of the specification.
"""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
from prometheus_client.parser import text_string_to_metric_families as prom

text = sys.stdin.read()
parse = om if sys.argv[1] == "openmetrics" else prom
try:
    for family in parse(text):
        print(family.name, family.type, len(family.samples))
except Exception as e:  # the parsers raise ValueError and friends; report any of them
    print("rejected: %s: %s" % (type(e).__name__, e))
    sys.exit(1)
